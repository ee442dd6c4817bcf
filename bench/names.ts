/**
 * What a Central European car dealer's customers look like: Czech, Polish and Slovak people (surnames in the
 * feminine form where the language has one) and companies, with the e-mail domains and mobile numbers of each country.
 */
export type Country = 'CZ' | 'PL' | 'SK';

interface Locale {
  male: string[];
  female: string[];
  surnames: Array<[male: string, female: string]>;
  domains: string[];
  /** Mobile prefixes that libphonenumber accepts for the country (the rest of the number is the customer's number). */
  mobile: string[];
  dial: string;
  digits: number;
  currency: string;
  companySuffix: string;
  cities: string[];
}

const LOCALES: Record<Country, Locale> = {
  CZ: {
    male: ['Jan', 'Petr', 'Tomáš', 'Jiří', 'Martin', 'Pavel', 'Lukáš', 'Jakub', 'Ondřej', 'Vojtěch', 'Michal', 'David'],
    female: ['Jana', 'Eva', 'Hana', 'Lenka', 'Kateřina', 'Lucie', 'Tereza', 'Veronika', 'Markéta', 'Zuzana', 'Klára', 'Petra'],
    surnames: [
      ['Novák', 'Nováková'],
      ['Svoboda', 'Svobodová'],
      ['Dvořák', 'Dvořáková'],
      ['Černý', 'Černá'],
      ['Procházka', 'Procházková'],
      ['Kučera', 'Kučerová'],
      ['Veselý', 'Veselá'],
      ['Horák', 'Horáková'],
      ['Němec', 'Němcová'],
      ['Pokorný', 'Pokorná'],
      ['Marek', 'Marková'],
      ['Pospíšil', 'Pospíšilová'],
    ],
    domains: ['seznam.cz', 'email.cz', 'centrum.cz', 'volny.cz', 'gmail.com'],
    mobile: ['601', '602', '603', '604', '605', '606', '607', '608', '720', '721', '724', '731', '736', '737', '739', '775', '776', '777'],
    dial: '+420',
    digits: 6,
    currency: 'CZK',
    companySuffix: 's.r.o.',
    cities: ['Praha', 'Brno', 'Ostrava', 'Plzeň', 'Liberec', 'Olomouc', 'Zlín', 'Jihlava'],
  },
  PL: {
    male: ['Piotr', 'Krzysztof', 'Andrzej', 'Tomasz', 'Paweł', 'Michał', 'Marcin', 'Jakub', 'Łukasz', 'Grzegorz', 'Wojciech', 'Adam'],
    female: ['Anna', 'Katarzyna', 'Małgorzata', 'Agnieszka', 'Barbara', 'Ewa', 'Magdalena', 'Joanna', 'Aleksandra', 'Monika', 'Zofia', 'Marta'],
    surnames: [
      ['Nowak', 'Nowak'],
      ['Kowalski', 'Kowalska'],
      ['Wiśniewski', 'Wiśniewska'],
      ['Wójcik', 'Wójcik'],
      ['Kamiński', 'Kamińska'],
      ['Lewandowski', 'Lewandowska'],
      ['Zieliński', 'Zielińska'],
      ['Szymański', 'Szymańska'],
      ['Woźniak', 'Woźniak'],
      ['Dąbrowski', 'Dąbrowska'],
      ['Kozłowski', 'Kozłowska'],
      ['Mazur', 'Mazur'],
    ],
    domains: ['wp.pl', 'onet.pl', 'interia.pl', 'o2.pl', 'gmail.com'],
    mobile: ['500', '501', '502', '510', '511', '530', '531', '570', '600', '601', '660', '691', '720', '730', '780', '790', '880'],
    dial: '+48',
    digits: 6,
    currency: 'PLN',
    companySuffix: 'sp. z o.o.',
    cities: ['Warszawa', 'Kraków', 'Wrocław', 'Poznań', 'Gdańsk', 'Katowice', 'Łódź', 'Lublin'],
  },
  SK: {
    male: ['Peter', 'Martin', 'Michal', 'Ján', 'Tomáš', 'Marek', 'Juraj', 'Lukáš', 'Miroslav', 'Rastislav', 'Matej', 'Filip'],
    female: ['Mária', 'Zuzana', 'Katarína', 'Jana', 'Monika', 'Lucia', 'Martina', 'Ivana', 'Andrea', 'Veronika', 'Simona', 'Barbora'],
    surnames: [
      ['Horváth', 'Horváthová'],
      ['Kováč', 'Kováčová'],
      ['Varga', 'Vargová'],
      ['Tóth', 'Tóthová'],
      ['Nagy', 'Nagyová'],
      ['Baláž', 'Balážová'],
      ['Szabó', 'Szabóová'],
      ['Molnár', 'Molnárová'],
      ['Lukáč', 'Lukáčová'],
      ['Kollár', 'Kollárová'],
      ['Hudák', 'Hudáková'],
      ['Oravec', 'Oravcová'],
    ],
    domains: ['azet.sk', 'zoznam.sk', 'centrum.sk', 'post.sk', 'gmail.com'],
    mobile: ['901', '902', '903', '904', '905', '906', '907', '908', '910', '911', '915', '917', '940', '944', '948', '949'],
    dial: '+421',
    digits: 6,
    currency: 'EUR',
    companySuffix: 's.r.o.',
    cities: ['Bratislava', 'Košice', 'Prešov', 'Žilina', 'Nitra', 'Banská Bystrica', 'Trnava', 'Martin'],
  },
};

const TRADES = ['Autodoprava', 'Stavby', 'Logistika', 'Servis', 'Agro', 'Elektro', 'Transport', 'Instalace'];

export const MODELS = [
  ['Škoda Octavia Combi', 720_000],
  ['Škoda Kodiaq', 1_050_000],
  ['Škoda Fabia', 420_000],
  ['Škoda Enyaq iV', 1_190_000],
  ['Volkswagen Golf', 690_000],
  ['Volkswagen Passat Variant', 940_000],
  ['Toyota Corolla Hybrid', 650_000],
  ['Hyundai Tucson', 830_000],
  ['Kia Sportage', 810_000],
  ['Dacia Duster', 450_000],
] as const;

export const CASE_SUBJECTS = [
  'Air conditioning does not cool',
  'Warning light on the dashboard after service',
  'Question about the warranty extension',
  'Invoice for the last service is wrong',
  'Infotainment keeps restarting',
  'Noise from the front axle',
  'Request for a replacement car during repair',
  'Tyre change appointment',
];

/** A small deterministic generator, so a scale's data set is the same every run. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const ascii = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLowerCase();

export interface PersonOrCompany {
  country: Country;
  currency: string;
  city: string;
  input: Record<string, unknown>;
}

/**
 * The upsertCustomers input of the n-th customer (the bench's own key, `bench-dataset` + `customer-<n>`): nine people
 * in ten, the rest companies. Its e-mail and phone number hold n, so no two customers share one: identity would
 * otherwise resolve the second to the first (up to a million customers; the numbers have six digits after the prefix).
 */
export function customerInput(n: number, random: () => number): PersonOrCompany {
  const country = pick(random, ['CZ', 'CZ', 'CZ', 'PL', 'PL', 'SK'] as const);
  const locale = LOCALES[country];
  const city = pick(random, locale.cities);
  const phone = `${locale.dial}${pick(random, locale.mobile)}${String(n % 10 ** locale.digits).padStart(locale.digits, '0')}`;
  const key = { sourceSystem: 'bench-dataset', externalId: `customer-${n}` };
  if (random() < 0.1) {
    const name = `${pick(random, TRADES)} ${pick(random, locale.surnames)[0]} ${locale.companySuffix}`;
    const email = `info.${n}@${ascii(name.split(' ')[1]!)}.${country.toLowerCase()}`;
    return {
      country,
      currency: locale.currency,
      city,
      input: { ...key, kind: 'ORGANIZATION', organizationName: name, emails: [email], phones: [phone], industry: 'Transport' },
    };
  }
  const female = random() < 0.5;
  const firstName = pick(random, female ? locale.female : locale.male);
  const lastName = pick(random, locale.surnames)[female ? 1 : 0];
  const email = `${ascii(firstName)}.${ascii(lastName)}.${n}@${pick(random, locale.domains)}`;
  return {
    country,
    currency: locale.currency,
    city,
    input: { ...key, kind: 'PERSON', firstName, lastName, gender: female ? 'FEMALE' : 'MALE', emails: [email], phones: [phone] },
  };
}

/** Words people search the dealer's records for: surnames and models. */
export function searchTerms(): string[] {
  const surnames = Object.values(LOCALES).flatMap((locale) => locale.surnames.map(([male]) => male));
  return [...surnames, 'Octavia', 'Kodiaq', 'servis', 'Autodoprava'];
}
