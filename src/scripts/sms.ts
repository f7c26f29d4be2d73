/**
 * SMS segment arithmetic (3GPP TS 23.038 / 23.040). A text that fits the GSM-7 alphabet is sent in 7-bit units:
 * 160 per single message, 153 per part of a concatenated one (the user data header takes 7); characters of the
 * extension table (^ { } \ [ ] ~ | €) take two units. Anything else (Chinese, most emoji) forces UCS-2: 70 UTF-16
 * code units per single message, 67 per part.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM7_BASIC);
const EXTENDED = new Set(GSM7_EXTENDED);

/** How an SMS text is encoded and how many segments it takes. */
export interface SmsSize {
  /** gsm7 when every character is in the GSM 03.38 alphabet (basic or extension table), else ucs2. */
  encoding: 'gsm7' | 'ucs2';
  /** Length in encoding units: 7-bit septets (gsm7) or UTF-16 code units (ucs2). */
  units: number;
  /** Messages the text is split into; 0 for an empty text. */
  segments: number;
}

/** Encoding, units and segment count of `text`. */
export function smsSize(text: string): SmsSize {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (BASIC.has(ch)) septets += 1;
    else if (EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    const segments = septets === 0 ? 0 : septets <= 160 ? 1 : Math.ceil(septets / 153);
    return { encoding: 'gsm7', units: septets, segments };
  }
  const units = text.length;
  return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
