/** The languages a quote's document and page are written in. */
export const QUOTE_LANGUAGES = ['cs', 'pl', 'sk', 'en'] as const;
export type QuoteLanguage = (typeof QUOTE_LANGUAGES)[number];

export const isQuoteLanguage = (value: string | null | undefined): value is QuoteLanguage => QUOTE_LANGUAGES.includes(value as QuoteLanguage);

const en = {
  quote: 'Quote',
  number: 'Number',
  date: 'Date',
  validUntil: 'Valid until',
  customer: 'Customer',
  item: 'Item',
  quantity: 'Qty',
  unitPrice: 'Unit price',
  discount: 'Discount',
  net: 'Net',
  subtotal: 'Subtotal',
  vat: 'VAT',
  total: 'Total',
  financing: 'Ways to pay',
  CASH: 'Cash',
  LOAN: 'Loan',
  LEASE: 'Lease',
  months: 'months',
  annualRate: 'annual rate',
  downPayment: 'Down payment',
  financed: 'Financed',
  monthlyPayment: 'Monthly instalment',
  residualValue: 'Residual value',
  totalPaid: 'Total paid',
  totalInterest: 'Total interest',
  month: 'Month',
  instalment: 'Instalment',
  interest: 'Interest',
  principal: 'Principal',
  balance: 'Balance',
  download: 'Download the quote (PDF)',
  expired: 'This link has expired. Please ask your dealer for a new one.',
  invalid: 'This link is not valid. Please check that it was copied whole, or ask your dealer for a new one.',
  unavailable: 'This quote is no longer available. Please contact your dealer.',
};

export type QuoteLabels = typeof en;

/** The words of a quote's document and page, per language (Czech, Polish, Slovak, English). */
export const QUOTE_LABELS: Record<QuoteLanguage, QuoteLabels> = {
  en,
  cs: {
    quote: 'Cenová nabídka',
    number: 'Číslo',
    date: 'Datum',
    validUntil: 'Platí do',
    customer: 'Zákazník',
    item: 'Položka',
    quantity: 'Počet',
    unitPrice: 'Cena za kus',
    discount: 'Sleva',
    net: 'Cena',
    subtotal: 'Mezisoučet',
    vat: 'DPH',
    total: 'Celkem',
    financing: 'Možnosti platby',
    CASH: 'Hotově',
    LOAN: 'Úvěr',
    LEASE: 'Leasing',
    months: 'měsíců',
    annualRate: 'roční sazba',
    downPayment: 'Akontace',
    financed: 'Financovaná částka',
    monthlyPayment: 'Měsíční splátka',
    residualValue: 'Zůstatková hodnota',
    totalPaid: 'Zaplaceno celkem',
    totalInterest: 'Úroky celkem',
    month: 'Měsíc',
    instalment: 'Splátka',
    interest: 'Úrok',
    principal: 'Jistina',
    balance: 'Zůstatek',
    download: 'Stáhnout nabídku (PDF)',
    expired: 'Platnost tohoto odkazu vypršela. Požádejte prosím svého prodejce o nový.',
    invalid: 'Tento odkaz není platný. Zkontrolujte, zda byl zkopírován celý, nebo požádejte prodejce o nový.',
    unavailable: 'Tato nabídka již není k dispozici. Kontaktujte prosím svého prodejce.',
  },
  sk: {
    quote: 'Cenová ponuka',
    number: 'Číslo',
    date: 'Dátum',
    validUntil: 'Platí do',
    customer: 'Zákazník',
    item: 'Položka',
    quantity: 'Počet',
    unitPrice: 'Cena za kus',
    discount: 'Zľava',
    net: 'Cena',
    subtotal: 'Medzisúčet',
    vat: 'DPH',
    total: 'Spolu',
    financing: 'Možnosti platby',
    CASH: 'V hotovosti',
    LOAN: 'Úver',
    LEASE: 'Lízing',
    months: 'mesiacov',
    annualRate: 'ročná sadzba',
    downPayment: 'Akontácia',
    financed: 'Financovaná suma',
    monthlyPayment: 'Mesačná splátka',
    residualValue: 'Zostatková hodnota',
    totalPaid: 'Zaplatené spolu',
    totalInterest: 'Úroky spolu',
    month: 'Mesiac',
    instalment: 'Splátka',
    interest: 'Úrok',
    principal: 'Istina',
    balance: 'Zostatok',
    download: 'Stiahnuť ponuku (PDF)',
    expired: 'Platnosť tohto odkazu vypršala. Požiadajte prosím svojho predajcu o nový.',
    invalid: 'Tento odkaz nie je platný. Skontrolujte, či bol skopírovaný celý, alebo požiadajte predajcu o nový.',
    unavailable: 'Táto ponuka už nie je k dispozícii. Kontaktujte prosím svojho predajcu.',
  },
  pl: {
    quote: 'Oferta cenowa',
    number: 'Numer',
    date: 'Data',
    validUntil: 'Ważna do',
    customer: 'Klient',
    item: 'Pozycja',
    quantity: 'Ilość',
    unitPrice: 'Cena jedn.',
    discount: 'Rabat',
    net: 'Wartość',
    subtotal: 'Suma częściowa',
    vat: 'VAT',
    total: 'Razem',
    financing: 'Sposoby płatności',
    CASH: 'Gotówka',
    LOAN: 'Kredyt',
    LEASE: 'Leasing',
    months: 'miesięcy',
    annualRate: 'oprocentowanie roczne',
    downPayment: 'Wpłata własna',
    financed: 'Kwota finansowana',
    monthlyPayment: 'Rata miesięczna',
    residualValue: 'Wartość końcowa',
    totalPaid: 'Łącznie do zapłaty',
    totalInterest: 'Łączne odsetki',
    month: 'Miesiąc',
    instalment: 'Rata',
    interest: 'Odsetki',
    principal: 'Kapitał',
    balance: 'Saldo',
    download: 'Pobierz ofertę (PDF)',
    expired: 'Ten link wygasł. Poproś swojego dealera o nowy.',
    invalid: 'Ten link jest nieprawidłowy. Sprawdź, czy został skopiowany w całości, lub poproś dealera o nowy.',
    unavailable: 'Ta oferta nie jest już dostępna. Skontaktuj się ze swoim dealerem.',
  },
};

const LOCALES: Record<QuoteLanguage, string> = { cs: 'cs-CZ', pl: 'pl-PL', sk: 'sk-SK', en: 'en-GB' };

/** An amount as the language writes it, e.g. "114 950,30 CZK" (cs) or "114,950.30 CZK" (en); spaces are plain spaces. */
export function formatMoney(amount: string, currency: string, language: QuoteLanguage): string {
  const number = new Intl.NumberFormat(LOCALES[language], { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(amount));
  return `${number.replace(/[\u00a0\u202f]/g, ' ')} ${currency}`;
}

export function formatPercent(value: string, language: QuoteLanguage): string {
  return `${new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 3 }).format(Number(value))} %`;
}

/** A day (YYYY-MM-DD) or an instant on the dealer's calendar. */
export function formatDate(date: Date | string, language: QuoteLanguage, timeZone: string): string {
  const value = typeof date === 'string' ? new Date(`${date}T12:00:00Z`) : date;
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'medium', timeZone: typeof date === 'string' ? 'UTC' : timeZone })
    .format(value)
    .replace(/[\u00a0\u202f]/g, ' ');
}
