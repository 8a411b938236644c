/**
 * The office's own mail domains, which tell the request parser who sent a mail: a mail from one
 * of them (a quote, a reply, a forward) was sent by the office, and the client is the other party.
 * The domain of the user running the add-on, plus the optional Script Property
 * TASUKI_OFFICE_DOMAINS (comma-separated) for offices that write from several domains.
 */
export const OFFICE_DOMAINS_PROPERTY = 'TASUKI_OFFICE_DOMAINS';

export function officeDomains(): string[] {
  const domains: string[] = [];
  try {
    const email = Session.getActiveUser().getEmail();
    const domain = email.split('@')[1];
    if (domain) domains.push(domain.toLowerCase());
  } catch {
    // No user e-mail in this authorization mode: only the configured domains apply.
  }
  try {
    const configured = PropertiesService.getScriptProperties().getProperty(OFFICE_DOMAINS_PROPERTY) ?? '';
    for (const d of configured.split(',')) if (/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(d.trim())) domains.push(d.trim().toLowerCase());
  } catch {
    // No properties service: the user's domain alone.
  }
  return domains;
}
