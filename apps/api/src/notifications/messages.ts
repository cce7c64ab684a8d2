/** The text of notification mails, in English and French: a plain-text part and an HTML part. */

export type Language = 'en' | 'fr';
export type NotificationEvent =
  | 'request.pending'
  | 'request.approved'
  | 'request.rejected'
  | 'certificate.expiring'
  | 'certificate.revoked'
  | 'certificate.renewed';

export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = [
  'request.pending',
  'request.approved',
  'request.rejected',
  'certificate.expiring',
  'certificate.revoked',
  'certificate.renewed',
];

export interface MessageFacts {
  readonly event: NotificationEvent;
  readonly requestId: number | null;
  readonly data: Readonly<Record<string, unknown>>;
  /** ENROLL_PUBLIC_URL + /requests/{id}, when there is a request. */
  readonly link: string | null;
}

export interface Message {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const str = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

function lines(language: Language, facts: MessageFacts): { subject: string; body: string[] } {
  const id = facts.requestId === null ? '' : String(facts.requestId);
  const reason = str(facts.data.reason);
  const serial = str(facts.data.serialNumber);
  const cn = str(facts.data.commonName);
  const days = str(facts.data.days);
  const fr = language === 'fr';
  switch (facts.event) {
    case 'request.pending':
      return fr
        ? {
            subject: `Enroll : la demande ${id} attend votre décision`,
            body: [`La demande de certificat ${id} attend l'approbation d'un gestionnaire.`],
          }
        : {
            subject: `Enroll: request ${id} awaits your decision`,
            body: [`Certificate request ${id} is waiting for a manager's approval.`],
          };
    case 'request.approved':
      return fr
        ? {
            subject: `Enroll : demande ${id} approuvée`,
            body: [
              `Votre demande de certificat ${id} est approuvée.`,
              ...(serial ? [`Numéro de série : ${serial}`] : []),
            ],
          }
        : {
            subject: `Enroll: request ${id} approved`,
            body: [
              `Your certificate request ${id} has been approved.`,
              ...(serial ? [`Serial number: ${serial}`] : []),
            ],
          };
    case 'request.rejected':
      return fr
        ? {
            subject: `Enroll : demande ${id} refusée`,
            body: [`Votre demande de certificat ${id} est refusée.`, ...(reason ? [`Motif : ${reason}`] : [])],
          }
        : {
            subject: `Enroll: request ${id} rejected`,
            body: [`Your certificate request ${id} has been rejected.`, ...(reason ? [`Reason: ${reason}`] : [])],
          };
    case 'certificate.revoked':
      return fr
        ? {
            subject: `Enroll : certificat de la demande ${id} révoqué`,
            body: [`Le certificat de la demande ${id} est révoqué.`, ...(reason ? [`Motif : ${reason}`] : [])],
          }
        : {
            subject: `Enroll: certificate of request ${id} revoked`,
            body: [`The certificate of request ${id} has been revoked.`, ...(reason ? [`Reason: ${reason}`] : [])],
          };
    case 'certificate.renewed':
      return fr
        ? {
            subject: `Enroll : certificat renouvelé (demande ${id})`,
            body: [`Le certificat est renouvelé par la demande ${id}.`],
          }
        : {
            subject: `Enroll: certificate renewed (request ${id})`,
            body: [`The certificate has been renewed by request ${id}.`],
          };
    case 'certificate.expiring':
      return fr
        ? {
            subject: `Enroll : le certificat ${cn} expire dans ${days} jours`,
            body: [`Le certificat ${cn} (série ${serial}) expire le ${str(facts.data.notAfter)}.`],
          }
        : {
            subject: `Enroll: certificate ${cn} expires in ${days} days`,
            body: [`Certificate ${cn} (serial ${serial}) expires on ${str(facts.data.notAfter)}.`],
          };
  }
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function message(language: Language, facts: MessageFacts): Message {
  const { subject, body } = lines(language, facts);
  const open = language === 'fr' ? 'Ouvrir la demande' : 'Open the request';
  const text = [...body, ...(facts.link ? ['', `${open}: ${facts.link}`] : [])].join('\n') + '\n';
  const html =
    `<!doctype html><html lang="${language}"><body>` +
    body.map((line) => `<p>${escapeHtml(line)}</p>`).join('') +
    (facts.link ? `<p><a href="${escapeHtml(facts.link)}">${escapeHtml(open)}</a></p>` : '') +
    '</body></html>';
  return { subject, text, html };
}

/**
 * One mail for a day's events (a person who chose the digest): each event's subject as a line,
 * with its link, oldest first.
 */
export function digestMessage(language: Language, events: readonly MessageFacts[]): Message {
  const fr = language === 'fr';
  const subject = fr
    ? `Enroll : ${events.length} notification${events.length > 1 ? 's' : ''} du jour`
    : `Enroll: ${events.length} notification${events.length > 1 ? 's' : ''} today`;
  const intro = fr ? 'Les événements depuis votre dernier résumé :' : 'What happened since your last digest:';
  const items = events.map((facts) => ({
    line: lines(language, facts).subject.replace(/^Enroll ?: /, ''),
    link: facts.link,
  }));
  const text = [intro, '', ...items.map((i) => `- ${i.line}${i.link ? `\n  ${i.link}` : ''}`)].join('\n') + '\n';
  const html =
    `<!doctype html><html lang="${language}"><body><p>${escapeHtml(intro)}</p><ul>` +
    items
      .map(
        (i) => `<li>${i.link ? `<a href="${escapeHtml(i.link)}">${escapeHtml(i.line)}</a>` : escapeHtml(i.line)}</li>`,
      )
      .join('') +
    '</ul></body></html>';
  return { subject, text, html };
}

/**
 * The e-mail address in a subject DN: the RFC 4514 form Enroll stores writes emailAddress as
 * `1.2.840.113549.1.9.1=#<hex of the DER IA5String>`; E= and emailAddress= are read too.
 */
export function subjectEmail(subject: string | null | undefined): string | null {
  const text = subject ?? '';
  const hex = /(?:^|,)1\.2\.840\.113549\.1\.9\.1=#((?:[0-9a-f]{2})+)/i.exec(text);
  if (hex?.[1]) {
    const der = Buffer.from(hex[1], 'hex');
    // A short-form IA5String (tag 0x16): an address is at most 255 bytes.
    const length = der[1] ?? 0;
    const value = der[0] === 0x16 && length < 0x80 ? der.subarray(2, 2 + length).toString('ascii') : '';
    return value.includes('@') ? value : null;
  }
  const plain = /(?:^|[,/+]\s*)(?:E|EMAIL|emailAddress)=([^,/+\s]+@[^,/+\s]+)/i.exec(text);
  return plain?.[1] ?? null;
}
