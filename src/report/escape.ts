// Results carry strings the server chose (reasons, details, transcripts): every one is
// escaped before it reaches XML or HTML, and characters XML 1.0 forbids are removed.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Tab, newline, carriage return and printable text; not other C0/C1 controls, DEL,
// lone surrogates (for..of yields them as single code points) or U+FFFE/U+FFFF.
function allowed(cp: number): boolean {
  if (cp < 0x20) return cp === 0x09 || cp === 0x0a || cp === 0x0d;
  if (cp >= 0x7f && cp <= 0x9f) return false;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return cp !== 0xfffe && cp !== 0xffff;
}

/** Removes characters an XML 1.0 document may not contain. */
export function stripForbidden(text: string): string {
  let out = '';
  for (const ch of text) if (allowed(ch.codePointAt(0) as number)) out += ch;
  return out;
}

/** Safe in XML and HTML text and in quoted attribute values. */
export function escapeMarkup(value: string | number | boolean): string {
  return stripForbidden(String(value)).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}
