import type { EntityManager } from '@mikro-orm/postgresql';
import { normalizeEmail, normalizePhone } from '@crm/kit/contact.js';
import { badInput, conflict } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { hashOf } from '@crm/kit/mutations.js';
import { Lead, LeadSource } from '../lead/lead.entity.js';
import { openLead } from '../lead/lead.service.js';
import { Product } from '../product/product.entity.js';
import { activeForm, admitSubmission } from './web-form.throttle.js';
import { WebFormConsentChannel, WebFormConsentPurpose, type WebFormConsentInput, type WebFormInput } from './intake.inputs.js';

/** The person asked to be contacted about their request: that much service e-mail is always agreed. */
const CONTACT_REQUEST_CONSENT = {
  purpose: WebFormConsentPurpose.SERVICE_COMMUNICATION,
  channel: WebFormConsentChannel.EMAIL,
  granted: true,
  textVersion: 'web-form-contact-request',
};

/**
 * Creates the lead of a web-form submission and emits WebFormSubmitted (identity resolves the person,
 * marketing confirms and enrols, sales scores and routes). Idempotent by submissionId.
 */
export async function submitWebForm(em: EntityManager, input: WebFormInput, clientAddress: string | null): Promise<Lead> {
  const submissionId = input.submissionId.trim();
  const submissionHash = hashOf({ ...input, submissionId });
  // The key first: without a form's key nobody learns whether a submission id was received.
  const form = await activeForm(em, input.formKey);
  // The same submission sent again while the first is still being written (a form retrying on a slow network) waits
  // for it here, then finds its lead: one lead, and the same answer to each.
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`web-form-submission:${submissionId}`]);
  const earlier = await em.findOne(Lead, { submissionId });
  if (earlier) return sameSubmission(earlier, submissionHash);
  const contact = checkContact(input);
  await admitSubmission(em, form, clientAddress, contact.email);
  const consents = checkConsents(input.consents);
  if (input.requestedAppointment && input.requestedAppointment.getTime() <= Date.now()) {
    throw badInput('requestedAppointment must be in the future', 'requestedAppointment');
  }
  const product = await interestProduct(em, input.interest?.productId);
  const deviceIds = [...new Set(input.deviceIds.map((id) => id.trim()).filter(Boolean))];
  const model = input.interest?.model?.trim() || null;
  const lead = openLead(em, {
    source: LeadSource.WEB_FORM,
    submissionId,
    submissionHash,
    contactName: [contact.firstName, contact.lastName].filter(Boolean).join(' ') || null,
    contactEmail: contact.email,
    contactPhone: contact.phone,
    requestedAppointment: input.requestedAppointment ?? null,
    interest: model ?? product?.name ?? null,
    interestProductId: product?.id ?? null,
    region: input.region?.trim() || null,
    pageUrl: input.pageUrl?.trim() || null,
  });
  recordEvent(em, {
    type: 'WebFormSubmitted',
    aggregateId: lead.id,
    payload: {
      leadId: lead.id,
      submissionId,
      contact,
      deviceIds,
      consents,
      source: 'web-form',
      requestedAppointment: lead.requestedAppointment?.toISOString() ?? null,
      interest: { productId: product?.id ?? null, model },
      region: lead.region ?? null,
      pageUrl: lead.pageUrl ?? null,
    },
  });
  await em.flush();
  return lead;
}

/** A retry returns the lead; the same id with other data is a caller's bug, not a retry. */
function sameSubmission(lead: Lead, submissionHash: string): Lead {
  if (lead.submissionHash && lead.submissionHash !== submissionHash) {
    throw conflict(`Web-form submission ${lead.submissionId} was already received with other data; send a new submissionId for a new submission`);
  }
  return lead;
}

function checkContact(input: WebFormInput) {
  const rawEmail = input.email?.trim() || null;
  const rawPhone = input.phone?.trim() || null;
  if (!rawEmail && !rawPhone) throw badInput('Give an e-mail or a phone number so the dealer can reach you', 'email');
  const email = rawEmail ? normalizeEmail(rawEmail) : null;
  const phone = rawPhone ? normalizePhone(rawPhone) : null;
  return { firstName: input.firstName?.trim() || null, lastName: input.lastName?.trim() || null, email, phone };
}

function checkConsents(consents: WebFormConsentInput[]) {
  const seen = new Set<string>();
  const checked = consents.map((consent) => {
    const key = `${consent.purpose}/${consent.channel}`;
    if (seen.has(key)) throw badInput(`Consent ${key} is given twice; send one choice per purpose and channel`, 'consents');
    seen.add(key);
    const textVersion = consent.textVersion.trim();
    if (!textVersion) throw badInput(`Consent ${key} needs the version of the text the person saw`, 'consents');
    return { purpose: consent.purpose, channel: consent.channel, granted: consent.granted, textVersion };
  });
  if (!seen.has(`${CONTACT_REQUEST_CONSENT.purpose}/${CONTACT_REQUEST_CONSENT.channel}`)) checked.push(CONTACT_REQUEST_CONSENT);
  return checked;
}

async function interestProduct(em: EntityManager, productId: string | null | undefined): Promise<Product | null> {
  if (!productId) return null;
  const product = await em.findOne(Product, { id: parseId(productId, 'Product', 'interest.productId') });
  if (!product) throw badInput(`Product ${productId} is not in the catalogue`, 'interest.productId');
  return product;
}
