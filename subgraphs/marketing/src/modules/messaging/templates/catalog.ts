/**
 * The platform's own messages, one Handlebars text per language (cs, pl, sk, en). Fields: firstName, dealer.name,
 * rep.name, cars (every car quoted to the customer), financing (kind, termMonths, monthlyPayment), model,
 * appointment (local time), documentUrl, quoteTitle, total, unsubscribeUrl. A missing field renders empty.
 */
export const LANGUAGES = ['cs', 'pl', 'sk', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface TemplateText {
  subject: string;
  text: string;
}
export type LocalizedTemplate = Record<Language, TemplateText>;

/** The cars, one a line (the same in every language). */
const CARS = '{{#each cars}}\n- {{this}}{{/each}}';
const FINANCING = {
  cs: '{{#each financing}}\n- {{kind}}{{#if termMonths}}, {{termMonths}} měsíců{{/if}}{{#if monthlyPayment}}, {{monthlyPayment}} měsíčně{{/if}}{{/each}}',
  pl: '{{#each financing}}\n- {{kind}}{{#if termMonths}}, {{termMonths}} miesięcy{{/if}}{{#if monthlyPayment}}, {{monthlyPayment}} miesięcznie{{/if}}{{/each}}',
  sk: '{{#each financing}}\n- {{kind}}{{#if termMonths}}, {{termMonths}} mesiacov{{/if}}{{#if monthlyPayment}}, {{monthlyPayment}} mesačne{{/if}}{{/each}}',
  en: '{{#each financing}}\n- {{kind}}{{#if termMonths}}, {{termMonths}} months{{/if}}{{#if monthlyPayment}}, {{monthlyPayment}} a month{{/if}}{{/each}}',
};
const UNSUBSCRIBE = {
  cs: '{{#if unsubscribeUrl}}\n\nNechcete už od nás e-maily? Odhlásit se: {{unsubscribeUrl}}{{/if}}',
  pl: '{{#if unsubscribeUrl}}\n\nNie chcesz więcej e-maili? Wypisz się: {{unsubscribeUrl}}{{/if}}',
  sk: '{{#if unsubscribeUrl}}\n\nNechcete od nás ďalšie e-maily? Odhlásiť sa: {{unsubscribeUrl}}{{/if}}',
  en: "{{#if unsubscribeUrl}}\n\nDon't want our e-mails any more? Unsubscribe: {{unsubscribeUrl}}{{/if}}",
};
const HELLO = {
  cs: 'Dobrý den{{#if firstName}} {{firstName}}{{/if}},',
  pl: 'Dzień dobry{{#if firstName}} {{firstName}}{{/if}},',
  sk: 'Dobrý deň{{#if firstName}} {{firstName}}{{/if}},',
  en: 'Hello{{#if firstName}} {{firstName}}{{/if}},',
};
const SIGNED = '\n\n{{dealer.name}}';

/** Builds each language's text from its parts, so greetings, lists and footers are written once. */
function localized(parts: Record<Language, { subject: string; body: string }>, footer: 'marketing' | 'service'): LocalizedTemplate {
  const result = {} as LocalizedTemplate;
  for (const language of LANGUAGES) {
    const body = parts[language].body.replaceAll('{{> cars}}', CARS).replaceAll('{{> financing}}', FINANCING[language]);
    result[language] = {
      subject: parts[language].subject,
      text: `${HELLO[language]}\n\n${body}${SIGNED}${footer === 'marketing' ? UNSUBSCRIBE[language] : ''}`,
    };
  }
  return result;
}

export const TEMPLATES: Record<string, { purpose: 'MARKETING' | 'SERVICE_COMMUNICATION'; text: LocalizedTemplate }> = {
  'appointment-confirmation': {
    purpose: 'SERVICE_COMMUNICATION',
    text: localized(
      {
        cs: {
          subject: '{{#if appointment}}Vaše žádost o schůzku{{else}}Přijali jsme vaši poptávku{{/if}}{{#if model}}: {{model}}{{/if}}',
          body: 'děkujeme za vaši poptávku{{#if model}} vozu {{model}}{{/if}}.\n{{#if appointment}}Požadovaný termín: {{appointment}} (60 minut). Brzy vám ho potvrdíme.{{else}}Zavoláme vám a domluvíme termín.{{/if}}',
        },
        pl: {
          subject: '{{#if appointment}}Twoja prośba o spotkanie{{else}}Otrzymaliśmy Twoje zapytanie{{/if}}{{#if model}}: {{model}}{{/if}}',
          body: 'dziękujemy za zapytanie{{#if model}} o {{model}}{{/if}}.\n{{#if appointment}}Wybrany termin: {{appointment}} (60 minut). Wkrótce go potwierdzimy.{{else}}Zadzwonimy, aby ustalić termin.{{/if}}',
        },
        sk: {
          subject: '{{#if appointment}}Vaša žiadosť o stretnutie{{else}}Prijali sme vaš dopyt{{/if}}{{#if model}}: {{model}}{{/if}}',
          body: 'ďakujeme za váš dopyt{{#if model}} na {{model}}{{/if}}.\n{{#if appointment}}Požadovaný termín: {{appointment}} (60 minút). Čoskoro vám ho potvrdíme.{{else}}Zavoláme vám a dohodneme termín.{{/if}}',
        },
        en: {
          subject: '{{#if appointment}}Your appointment request{{else}}We received your request{{/if}}{{#if model}}: {{model}}{{/if}}',
          body: 'thank you for your request{{#if model}} about the {{model}}{{/if}}.\n{{#if appointment}}Requested appointment: {{appointment}} (60 minutes). Your dealer will confirm it shortly.{{else}}We will call you to agree on an appointment.{{/if}}',
        },
      },
      'service',
    ),
  },
  'quote-sent': {
    purpose: 'SERVICE_COMMUNICATION',
    text: localized(
      {
        cs: {
          subject: 'Vaše nabídka: {{quoteTitle}}',
          body: 'posíláme vám nabídku „{{quoteTitle}}“ (celkem {{total}}):{{> cars}}\n\nNabídku i s financováním najdete zde: {{documentUrl}}{{#if rep}}\n\nS pozdravem {{rep.name}}{{/if}}',
        },
        pl: {
          subject: 'Twoja oferta: {{quoteTitle}}',
          body: 'przesyłamy ofertę „{{quoteTitle}}” (razem {{total}}):{{> cars}}\n\nOfertę z finansowaniem znajdziesz tutaj: {{documentUrl}}{{#if rep}}\n\nPozdrawiam, {{rep.name}}{{/if}}',
        },
        sk: {
          subject: 'Vaša ponuka: {{quoteTitle}}',
          body: 'posielame vám ponuku „{{quoteTitle}}“ (spolu {{total}}):{{> cars}}\n\nPonuku aj s financovaním nájdete tu: {{documentUrl}}{{#if rep}}\n\nS pozdravom {{rep.name}}{{/if}}',
        },
        en: {
          subject: 'Your offer: {{quoteTitle}}',
          body: 'here is your offer "{{quoteTitle}}" (total {{total}}):{{> cars}}\n\nThe offer with its financing: {{documentUrl}}{{#if rep}}\n\nKind regards, {{rep.name}}{{/if}}',
        },
      },
      'service',
    ),
  },
  'welcome-from-your-dealer': {
    purpose: 'MARKETING',
    text: localized(
      {
        cs: {
          subject: 'Vítejte u {{dealer.name}}',
          body: 'vítejte! Jsme rádi, že vás zajímá{{#if model}} {{model}}{{else}} nový vůz{{/if}}. V příštích dnech vám pošleme pár tipů, jak vybrat ten pravý.',
        },
        pl: {
          subject: 'Witamy w {{dealer.name}}',
          body: 'witamy! Cieszymy się, że interesuje Cię{{#if model}} {{model}}{{else}} nowy samochód{{/if}}. W najbliższych dniach wyślemy kilka wskazówek, jak wybrać właściwy.',
        },
        sk: {
          subject: 'Vitajte v {{dealer.name}}',
          body: 'vitajte! Teší nás, že vás zaujíma{{#if model}} {{model}}{{else}} nové auto{{/if}}. V najbližších dňoch vám pošleme pár tipov, ako vybrať to pravé.',
        },
        en: {
          subject: 'Welcome to {{dealer.name}}',
          body: "welcome! We're glad you're interested in{{#if model}} the {{model}}{{else}} a new car{{/if}}. Over the next days we'll send a few tips on choosing the right one.",
        },
      },
      'marketing',
    ),
  },
  'meet-your-sales-rep': {
    purpose: 'MARKETING',
    text: localized(
      {
        cs: {
          subject: 'Váš prodejce{{#if rep}}: {{rep.name}}{{/if}}',
          body: '{{#if rep}}jmenuji se {{rep.name}} a postarám se o vás.{{else}}náš tým se o vás postará.{{/if}} Stačí odpovědět na tento e-mail, kdykoli budete mít otázku.',
        },
        pl: {
          subject: 'Twój doradca{{#if rep}}: {{rep.name}}{{/if}}',
          body: '{{#if rep}}nazywam się {{rep.name}} i zajmę się Tobą.{{else}}nasz zespół się Tobą zajmie.{{/if}} Wystarczy odpowiedzieć na tę wiadomość, gdy masz pytanie.',
        },
        sk: {
          subject: 'Váš predajca{{#if rep}}: {{rep.name}}{{/if}}',
          body: '{{#if rep}}volám sa {{rep.name}} a postarám sa o vás.{{else}}náš tím sa o vás postará.{{/if}} Stačí odpovedať na tento e-mail, kedykoľvek budete mať otázku.',
        },
        en: {
          subject: 'Your sales rep{{#if rep}}: {{rep.name}}{{/if}}',
          body: "{{#if rep}}I'm {{rep.name}} and I'll look after you.{{else}}our team will look after you.{{/if}} Just reply to this e-mail whenever you have a question.",
        },
      },
      'marketing',
    ),
  },
  'book-a-test-drive': {
    purpose: 'MARKETING',
    text: localized(
      {
        cs: {
          subject: 'Vyzkoušejte{{#if model}} {{model}}{{else}} si svůj vůz{{/if}}',
          body: 'nejlépe poznáte auto za volantem. Domluvte si zkušební jízdu{{#if rep}} s {{rep.name}}{{/if}} – stačí odpovědět.',
        },
        pl: {
          subject: 'Przetestuj{{#if model}} {{model}}{{else}} swój samochód{{/if}}',
          body: 'samochód najlepiej poznać za kierownicą. Umów jazdę próbną{{#if rep}} z {{rep.name}}{{/if}} – wystarczy odpowiedzieć.',
        },
        sk: {
          subject: 'Vyskúšajte{{#if model}} {{model}}{{else}} si svoje auto{{/if}}',
          body: 'auto najlepšie spoznáte za volantom. Dohodnite si testovaciu jazdu{{#if rep}} s {{rep.name}}{{/if}} – stačí odpovedať.',
        },
        en: {
          subject: 'Take{{#if model}} the {{model}}{{else}} your next car{{/if}} for a drive',
          body: "the best way to know a car is from the driver's seat. Book a test drive{{#if rep}} with {{rep.name}}{{/if}}: just reply.",
        },
      },
      'marketing',
    ),
  },
  'your-offer-explained': {
    purpose: 'MARKETING',
    text: localized(
      {
        cs: {
          subject: 'Vaše nabídka krok za krokem',
          body: 'připravili jsme pro vás nabídku na:{{> cars}}\n\nRádi vysvětlíme každou položku{{#if rep}} – ozvěte se {{rep.name}}{{/if}}.',
        },
        pl: {
          subject: 'Twoja oferta krok po kroku',
          body: 'przygotowaliśmy dla Ciebie ofertę na:{{> cars}}\n\nChętnie wyjaśnimy każdą pozycję{{#if rep}} – napisz do {{rep.name}}{{/if}}.',
        },
        sk: {
          subject: 'Vaša ponuka krok za krokom',
          body: 'pripravili sme pre vás ponuku na:{{> cars}}\n\nRadi vysvetlíme každú položku{{#if rep}} – ozvite sa {{rep.name}}{{/if}}.',
        },
        en: {
          subject: 'Your offer, step by step',
          body: "we prepared an offer for you on:{{> cars}}\n\nWe're happy to explain every line{{#if rep}}: write to {{rep.name}}{{/if}}.",
        },
      },
      'marketing',
    ),
  },
  'financing-your-choice': {
    purpose: 'MARKETING',
    text: localized(
      {
        cs: { subject: 'Jak zaplatit za svůj nový vůz', body: 'k vaší nabídce{{> cars}}\n\njsme připravili tyto možnosti financování:{{> financing}}' },
        pl: { subject: 'Jak sfinansować nowy samochód', body: 'do Twojej oferty{{> cars}}\n\nprzygotowaliśmy te możliwości finansowania:{{> financing}}' },
        sk: { subject: 'Ako zaplatiť za nové auto', body: 'k vašej ponuke{{> cars}}\n\nsme pripravili tieto možnosti financovania:{{> financing}}' },
        en: { subject: 'Ways to pay for your new car', body: 'for your offer on{{> cars}}\n\nwe prepared these ways to pay:{{> financing}}' },
      },
      'marketing',
    ),
  },
  'owners-stories': {
    purpose: 'MARKETING',
    text: localized(
      {
        cs: {
          subject: 'Co říkají majitelé',
          body: 'přečtěte si, jak jsou se svými vozy spokojeni naši zákazníci{{#if cars.length}}, kteří jezdí{{> cars}}{{/if}}',
        },
        pl: { subject: 'Co mówią właściciele', body: 'przeczytaj, co mówią nasi klienci o swoich samochodach{{#if cars.length}}:{{> cars}}{{/if}}' },
        sk: { subject: 'Čo hovoria majitelia', body: 'prečítajte si, ako sú so svojimi autami spokojní naši zákazníci{{#if cars.length}}:{{> cars}}{{/if}}' },
        en: { subject: 'What owners say', body: 'read what our customers say about their cars{{#if cars.length}}:{{> cars}}{{/if}}' },
      },
      'marketing',
    ),
  },
};
