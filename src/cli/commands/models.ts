/**
 * `followup models list|show|promote|rollback [--models DIR] [--json]`: the registry's versions, cards and
 * champions. Promotions and rollbacks replace the champion pointer atomically and are appended to
 * models/<name>/promotions.jsonl (time, from, to, reason, actor). A version that does not exist → exit 2 with
 * the versions that do.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_MODELS_DIR } from '../../core/defaults.ts';
import {
  listModelNames,
  listVersions,
  promoteVersion,
  readCard,
  readPromotions,
  rollbackChampion,
  type VersionInfo,
} from '../../lifecycle/index.ts';
import { type FallbackCard, readFallback } from '../../models/index.ts';
import { makeContext, printSummary } from '../context.ts';

interface Common {
  models: string;
  json?: boolean;
}

export function register(program: Command): void {
  const models = program
    .command('models')
    .description('List, show, promote and roll back model versions in the registry.');
  models
    .command('list')
    .description('Versions of each model with created time, test metrics and which is champion.')
    .argument('[name]', 'model name (default: every model)')
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (name: string | undefined, o: Common) => {
      const ctx = makeContext(o);
      const names = name ? [name] : await listModelNames(o.models);
      const out: Record<string, VersionInfo[]> = {};
      for (const n of names) out[n] = await listVersions(o.models, n);
      // The fallbacks `train` recorded for models the data could not support (models/<name>/fallback.json).
      const fallbacks: Record<string, FallbackCard> = {};
      for (const n of name ? [name] : FALLBACK_NAMES) {
        const f = await readFallback(o.models, n);
        if (f) fallbacks[n] = f;
      }
      printSummary(ctx, o.json, { models: out, fallbacks }, () => listText(out, fallbacks));
    });
  models
    .command('show')
    .description('Print the model card of a version (default: the champion).')
    .argument('<name>', 'model name, e.g. delinquency')
    .argument('[version]', 'version (default: the champion)')
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--json', 'print the card as JSON on stdout')
    .action(async (name: string, version: string | undefined, o: Common) => {
      const ctx = makeContext(o);
      const card = await readCard(o.models, name, version);
      const history = await readPromotions(o.models, name);
      printSummary(ctx, o.json, { card, promotions: history }, () => '');
      if (!o.json) ctx.out(await readFile(join(o.models, name, card.version, 'card.md'), 'utf8'));
    });
  models
    .command('promote')
    .description('Make a version the champion (recorded in promotions.jsonl).')
    .argument('<name>', 'model name')
    .argument('<version>', 'version to promote')
    .option('--reason <text>', 'why, recorded with the promotion', 'manual promotion')
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--json', 'print the record as JSON on stdout')
    .action(async (name: string, version: string, o: Common & { reason: string }) => {
      const ctx = makeContext(o);
      const r = await promoteVersion(o.models, name, version, {
        clock: ctx.clock,
        reason: o.reason,
        actor: 'followup models promote',
      });
      printSummary(ctx, o.json, r, () => `${name}: champion ${r.from ?? 'none'} → ${r.to}`);
    });
  models
    .command('rollback')
    .description('Make the previous champion the champion again (recorded in promotions.jsonl).')
    .argument('<name>', 'model name')
    .option('--reason <text>', 'why, recorded with the rollback', 'manual rollback')
    .option('--models <dir>', 'model registry root', DEFAULT_MODELS_DIR)
    .option('--json', 'print the record as JSON on stdout')
    .action(async (name: string, o: Common & { reason: string }) => {
      const ctx = makeContext(o);
      const r = await rollbackChampion(o.models, name, {
        clock: ctx.clock,
        reason: o.reason,
        actor: 'followup models rollback',
      });
      printSummary(ctx, o.json, r, () => `${name}: rolled back ${r.from ?? 'none'} → ${r.to}`);
    });
}

/** Models `train` may replace by a fallback. */
const FALLBACK_NAMES = ['delinquency', 'hangup'];

function listText(out: Record<string, VersionInfo[]>, fallbacks: Record<string, FallbackCard>): string {
  const lines: string[] = [];
  for (const [name, versions] of Object.entries(out)) {
    lines.push(`${name}:${versions.length ? '' : ' no versions'}`);
    for (const v of versions) {
      const m = Object.entries(v.metrics)
        .filter(([k]) => k === 'auc' || k === 'auc_m6' || k === 'brier' || k === 'brier_m6')
        .map(([k, x]) => `${k} ${fmt((x as { network?: number }).network)}`)
        .join(', ');
      lines.push(`  ${v.champion ? '*' : ' '} ${v.version}  ${v.createdAt}  ${v.backend ?? ''}  ${m}`);
    }
  }
  for (const [name, f] of Object.entries(fallbacks)) {
    const inUse = out[name]?.some((v) => v.champion) ? ' (not in use: a champion exists)' : '';
    lines.push(`${name}: fallback ${f.fallback}${inUse}, ${f.createdAt}: ${f.reason}`);
  }
  return lines.join('\n');
}

const fmt = (x: number | undefined) => (typeof x === 'number' ? x.toFixed(3) : 'n/a');
