/**
 * Dialer template: which columns a dialer's import format wants, under which names, in which order, and whether
 * its phone column takes E.164 with the leading '+'. Example (YAML):
 *
 *   columns:
 *     - { field: phone, header: PhoneNumber }
 *     - { field: local_window_start, header: CallFrom }
 *   phone_format: e164      # e164 keeps '+' (dialer expects E.164); digits drops it (default)
 *   delimiter: ","
 */
import { readFileSync } from 'node:fs';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../core/errors.ts';

/** Fields a dialer CSV can carry; see DIALER_FIELD_SQL in to-csv.ts for their definitions. */
export const DIALER_FIELDS = [
  'loan_id',
  'borrower_id',
  'phone',
  'time_zone',
  'due_on',
  'local_window_start',
  'local_window_end',
  'window_start_utc',
  'window_end_utc',
  'hour_start',
  'hour_end',
  'priority',
  'purpose',
  'cycle',
  'channel',
  'prenotify',
  'prenotify_instruction',
  'reason_text',
  'reason_codes',
  'earliest_on',
  'latest_on',
  'hard_deadline',
  'sequence',
  'export_state',
  'run_id',
  // What to say and do (src/scripts, src/recommend/next-action.ts); appended so existing templates are unchanged.
  'next_action',
  'assignee',
  'script_id',
  'talking_points',
  'notice_text',
  'notice_segments',
  'followup_id',
] as const;
export type DialerField = (typeof DIALER_FIELDS)[number];

export const DialerTemplateSchema = z
  .object({
    /** Ordered columns: `field` from DIALER_FIELDS, `header` the dialer's name (default: the field name). */
    columns: z
      .array(z.object({ field: z.enum(DIALER_FIELDS), header: z.string().min(1).optional() }).strict())
      .min(1)
      .default(DIALER_FIELDS.map((field) => ({ field }))),
    /** `e164` keeps '+' on valid E.164 numbers (dialer expects it); `digits` drops it. Default `digits`. */
    phone_format: z.enum(['e164', 'digits']).default('digits'),
    /** One-character field separator. Default ','. */
    delimiter: z.string().length(1).default(','),
  })
  .strict();
export type DialerTemplate = z.infer<typeof DialerTemplateSchema>;

export const DEFAULT_TEMPLATE: DialerTemplate = DialerTemplateSchema.parse({});

/** Reads and validates a template; every problem is reported with the file, line and column. */
export function loadTemplate(path: string | undefined): DialerTemplate {
  if (path === undefined) return DEFAULT_TEMPLATE;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInputError(`cannot read dialer template: ${(e as Error).message}`, {
      place: { file: path },
    });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const yamlErr = doc.errors[0];
  if (yamlErr) {
    const pos = yamlErr.linePos?.[0];
    throw new BadInputError(`dialer template is not valid YAML: ${yamlErr.message.split('\n')[0]}`, {
      place: { file: path, ...(pos ? { line: pos.line, column: pos.col } : {}) },
    });
  }
  const parsed = DialerTemplateSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) {
    const headers = parsed.data.columns.map((c) => c.header ?? c.field);
    const dup = headers.find((h, i) => headers.indexOf(h) !== i);
    if (dup)
      throw new BadInputError(`dialer template names column ${JSON.stringify(dup)} twice`, {
        place: { file: path, column: 'columns', value: dup },
      });
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const at = issue?.path ?? [];
  const node = at.length && isMap(doc.contents) ? doc.getIn(at, true) : undefined;
  const range = (node as { range?: [number, number] } | undefined)?.range;
  const pos = range ? lc.linePos(range[0]) : undefined;
  throw new BadInputError(
    `dialer template: ${at.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}; expected fields ${DIALER_FIELDS.join(', ')}`,
    { place: { file: path, ...(pos ? { line: pos.line, column: pos.col } : { column: at.join('.') }) } },
  );
}
