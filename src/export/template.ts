/**
 * Dialer template: which columns a dialer's import format wants, under which names, in which order, and whether
 * its phone column takes E.164 with the leading '+'. Example (YAML):
 *
 *   columns:
 *     - { field: phone, header: PhoneNumber }
 *     - { field: local_window_start, header: CallFrom }
 *   phone_format: e164      # e164 keeps '+' (default, as E.164 says); digits drops it
 *   delimiter: ","
 *   max_cell_chars: 512     # longer text cells are cut and end in '…' (Genesys Cloud's limit); 0 = no cap
 *   excel: false            # true: UTF-8 BOM and the phone as a text formula ="+86…", so Excel keeps the '+'
 *   date_format: "%m/%d/%Y"          # due_on, earliest_on, latest_on (default %Y-%m-%d)
 *   datetime_format: "%m/%d/%Y %H:%M" # local_window_start/end (default %Y-%m-%d %H:%M)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/** A strftime pattern of DuckDB's common specifiers and literal text (no other `%` escapes). */
const strftimeFormat = z
  .string()
  .min(1)
  .regex(/^([^%]|%[YymdeHIMSpbBaAjz%])+$/, {
    error: 'expected a strftime pattern of %Y %y %m %d %e %H %I %M %S %p %b %B %a %A %j %z and literal text',
  });

export const DialerTemplateSchema = z
  .object({
    /** Ordered columns: `field` from DIALER_FIELDS, `header` the dialer's name (default: the field name). */
    columns: z
      .array(z.object({ field: z.enum(DIALER_FIELDS), header: z.string().min(1).optional() }).strict())
      .min(1)
      .default(DIALER_FIELDS.map((field) => ({ field }))),
    /** `e164` keeps '+' on valid E.164 numbers (as the format says); `digits` drops it. Default `e164`. */
    phone_format: z.enum(['e164', 'digits']).default('e164'),
    /** One-character field separator. Default ','. */
    delimiter: z.string().length(1).default(','),
    /**
     * Longest text cell in characters; a longer one is cut to this length ending in '…' and counted in the
     * summary (`truncated_cells`). 0 = no cap. Default 512 (Genesys Cloud's contact-list cell limit).
     */
    max_cell_chars: z.number().int().min(0).default(512),
    /**
     * For Excel: a UTF-8 byte-order mark (so Chinese text opens readable) and the phone as the text formula
     * `="+8613800138000"` (so Excel neither drops the '+' nor shows 8.61E+12). Only strict E.164 numbers are
     * wrapped, so the formula can only ever be a quoted string of digits. Default false.
     */
    excel: z.boolean().default(false),
    /**
     * strftime format of the date columns (due_on, earliest_on, latest_on), e.g. `%m/%d/%Y`. Default ISO
     * `%Y-%m-%d`.
     */
    date_format: strftimeFormat.optional(),
    /**
     * strftime format of the local call window (local_window_start, local_window_end), e.g. `%m/%d/%Y %I:%M %p`
     * for a dialer that wants US-style times. Default `%Y-%m-%d %H:%M`.
     */
    datetime_format: strftimeFormat.optional(),
  })
  .strict();
export type DialerTemplate = z.infer<typeof DialerTemplateSchema>;

export const DEFAULT_TEMPLATE: DialerTemplate = DialerTemplateSchema.parse({});

/**
 * Templates shipped with followup (src/config/dialer/<name>.yaml, copied to dist/ by the build), named by
 * `--template <name>`: Genesys Cloud contact lists and Five9 list imports.
 */
export const SHIPPED_TEMPLATES = ['genesys-cloud', 'five9'] as const;

/** The file of a shipped template name, else the argument itself (a path). */
export function templatePath(nameOrPath: string): string {
  return (SHIPPED_TEMPLATES as readonly string[]).includes(nameOrPath)
    ? fileURLToPath(new URL(`../config/dialer/${nameOrPath}.yaml`, import.meta.url))
    : nameOrPath;
}

/**
 * Reads and validates a template, a file or a shipped name (SHIPPED_TEMPLATES); every problem is reported with the
 * file, line and column.
 */
export function loadTemplate(nameOrPath: string | undefined): DialerTemplate {
  if (nameOrPath === undefined) return DEFAULT_TEMPLATE;
  const path = templatePath(nameOrPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInputError(
      `cannot read dialer template: ${(e as Error).message} (expected a YAML file or one of the shipped templates ${SHIPPED_TEMPLATES.join(', ')})`,
      { place: { file: path } },
    );
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
