/**
 * The fields of a citizen's proposal as a form holds them (strings), shared by the portal's
 * form and the console's 代录 form, and what the API gets from them.
 */
export interface ProposalForm {
  title: string;
  content: string;
  reason: string;
  /** 万元, as typed; a number once an `<input type="number">` has held it (Vue's v-model casts). */
  cost: string | number;
  area: string;
  district: string;
  location: string;
  name: string;
  phone: string;
}

export const blankProposalForm = (): ProposalForm => ({ title: '', content: '', reason: '', cost: '', area: '', district: '', location: '', name: '', phone: '' });

/** Digits, spaces, + - ( ) — what the server accepts; empty is fine (the phone is optional). */
export function phoneOk(phone: string): boolean {
  return !phone.trim() || /^[0-9+\-() ]+$/.test(phone.trim());
}

/** The required fields still empty. */
export function missingFields(f: ProposalForm): { title: boolean; content: boolean; area: boolean } {
  return { title: !f.title.trim(), content: !f.content.trim(), area: !f.area };
}

/** The proposal fields of the request body: trimmed, blanks left out, the cost as a number. */
export function proposalFields(f: ProposalForm) {
  const typed = String(f.cost ?? '').trim();
  const cost = typed === '' ? null : Number(typed);
  return {
    title: f.title.trim(),
    content: f.content.trim(),
    reason: f.reason.trim() || undefined,
    costWan: cost !== null && Number.isFinite(cost) ? cost : null,
    area: f.area,
    district: f.district.trim() || undefined,
    location: f.location.trim() || undefined,
    proposerName: f.name.trim() || undefined,
    proposerPhone: f.phone.trim() || undefined,
  };
}
