// pnpm bench:crypto [--candidates 15 --places 10 --runs 30 --verify-seconds 5 --raw-seconds 4 --chromium true]
// The cost of encrypted ballots on this machine: tablet encryption + proofs (median, Node and
// headless Chromium), proof checks per second on one core, raw scalar multiplications per second
// in the same run, and verify_ratio = (ballots/s × multiplications per ballot) / raw rate.
// Run alone, under `flock /work/team/bench.lock`. Last line: one JSON object.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CRYPTO_BALLOT_KINDS } from '../shared/src/crypto/index.ts';
import { machineFacts, parseArgs, percentile, ROOT, round1, runBench } from './bench-lib.ts';
import { measureKind, measureRaw, specFor } from './bench-crypto-lib.ts';

const args = parseArgs({ candidates: 15, places: 10, 'max-ballots': 3000, runs: 30, 'verify-seconds': 5, 'raw-seconds': 4, chromium: true });
const CHROMIUM = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';

async function inChromium(): Promise<{ encrypt_ms_p50: number; raw_variable_per_s: number }> {
  const bundle = await build({
    stdin: {
      contents: "import { measureKind, measureRaw, specFor } from './bench-crypto-lib.ts'; Object.assign(globalThis, { measureKind, measureRaw, specFor });",
      resolveDir: `${ROOT}/scripts`,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const { candidates, places, runs } = args;
    const maxBallots = args['max-ballots'];
    return await page.evaluate(async ({ candidates, places, runs, maxBallots }) => {
      const g = globalThis as unknown as {
        measureKind: typeof measureKind; measureRaw: typeof measureRaw; specFor: typeof specFor;
      };
      const figures = await g.measureKind(g.specFor('approve', candidates, places, maxBallots), runs, 0.5);
      const sorted = [...figures.encrypt_ms].sort((a, b) => a - b);
      return { encrypt_ms_p50: sorted[Math.ceil(sorted.length / 2) - 1]!, raw_variable_per_s: (await g.measureRaw(2)).variable };
    }, { candidates, places, runs, maxBallots });
  } finally {
    await browser.close();
  }
}

runBench(async () => {
  const raw = await measureRaw(args['raw-seconds']);
  const kinds = [];
  for (const kind of CRYPTO_BALLOT_KINDS) {
    const spec = specFor(kind, args.candidates, kind === 'rating' ? 0 : args.places, args['max-ballots']);
    const f = await measureKind(spec, kind === 'approve' ? args.runs : Math.ceil(args.runs / 3), kind === 'approve' ? args['verify-seconds'] : args['verify-seconds'] / 2);
    kinds.push({ ...f, encrypt_ms_p50: round1(percentile(f.encrypt_ms, 50)) });
    console.log(`${kind.padEnd(8)} ${args.candidates} candidates: encrypt+prove p50 ${round1(percentile(f.encrypt_ms, 50))} ms · check ${round1(f.verify_ballots_per_s)} ballots/s · ${f.proof_branches} proof branches, ${f.mults_per_ballot} mults per ballot`);
  }
  const approve = kinds[0]!;
  const browser = args.chromium ? await inChromium() : null;
  const verifyRatio = (approve.verify_ballots_per_s * approve.mults_per_ballot) / raw.variable;
  console.log(`raw: ${Math.round(raw.variable)} variable-base and ${Math.round(raw.fixed)} fixed-base mults/s on one core`);
  if (browser) console.log(`chromium: approve encrypt+prove p50 ${round1(browser.encrypt_ms_p50)} ms · raw ${Math.round(browser.raw_variable_per_s)} mults/s`);
  console.log(JSON.stringify({
    bench: 'crypto',
    encrypted: true,
    candidates: args.candidates,
    places: args.places,
    tablet_encrypt_ms_p50: approve.encrypt_ms_p50,
    tablet_encrypt_ms_p50_chromium: browser ? round1(browser.encrypt_ms_p50) : null,
    verify_ballots_per_s_per_core: round1(approve.verify_ballots_per_s),
    verify_mults_per_ballot: approve.mults_per_ballot,
    raw_scalar_mults_per_s: Math.round(raw.variable),
    raw_fixed_base_mults_per_s: Math.round(raw.fixed),
    verify_ratio: Math.round(verifyRatio * 100) / 100,
    chromium_raw_scalar_mults_per_s: browser ? Math.round(browser.raw_variable_per_s) : null,
    kinds: Object.fromEntries(kinds.map((k) => [k.kind, { encrypt_ms_p50: k.encrypt_ms_p50, verify_ballots_per_s: round1(k.verify_ballots_per_s), mults_per_ballot: k.mults_per_ballot }])),
    machine: machineFacts(),
  }));
  return true;
});
