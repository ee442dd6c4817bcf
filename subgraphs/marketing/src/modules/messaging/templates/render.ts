import Handlebars from 'handlebars';
import { LANGUAGES, TEMPLATES, type Language, type TemplateText } from './catalog.js';

/**
 * Plain-text e-mails: nothing is HTML-escaped. Only the built-in block helpers (if, each, with, unless) exist, so a
 * campaign's text written by a marketer can read fields but not call code.
 */
const handlebars = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function compile(source: string): Handlebars.TemplateDelegate {
  let template = compiled.get(source);
  if (!template) {
    template = handlebars.compile(source, { noEscape: true, knownHelpersOnly: true });
    compiled.set(source, template);
  }
  return template;
}

export interface RenderedText {
  subject: string;
  text: string;
}

export function renderText(source: TemplateText, data: object): RenderedText {
  // The subject is one line, whatever the fields hold.
  return { subject: compile(source.subject)(data).replace(/\s+/g, ' ').trim(), text: compile(source.text)(data) };
}

/** Why a marketer's text cannot be used (a Handlebars syntax error), or null when it can. */
export function templateError(source: string): string | null {
  try {
    handlebars.precompile(source, { noEscape: true, knownHelpersOnly: true });
    return null;
  } catch (error) {
    return error instanceof Error ? (error.message.split('\n')[0] ?? 'not a valid template') : 'not a valid template';
  }
}

/** The customer's language when the platform writes in it, else the dealer's. */
export function languageFor(preferred: string | null | undefined, fallback: Language): Language {
  const code = preferred?.trim().toLowerCase().slice(0, 2);
  return (LANGUAGES as readonly string[]).includes(code ?? '') ? (code as Language) : fallback;
}

/** One of the platform's own messages (TEMPLATES) in the given language. */
export function renderBuiltIn(name: string, language: Language, data: object): RenderedText & { purpose: string } {
  const template = TEMPLATES[name];
  if (!template) throw new Error(`There is no message template "${name}"`);
  return { purpose: template.purpose, ...renderText(template.text[language], data) };
}
