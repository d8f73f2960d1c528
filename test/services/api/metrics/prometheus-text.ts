/** One sample line of the Prometheus text format. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** A metric family as the text format writes it: `# HELP`, `# TYPE`, then its samples. */
export interface ParsedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for tests: every family starts
 * with `# HELP` and `# TYPE`, names and labels are well formed, values are numbers (or ±Inf/NaN),
 * samples belong to the family just declared, and no series appears twice. Throws on the first
 * violation, naming the line.
 */
export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const seen = new Set<string>();
  let current: ParsedFamily | undefined;
  let pendingHelp: { name: string; help: string } | undefined;
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error('the text must end with a newline');
  lines.forEach((line, index) => {
    const where = `line ${index + 1} (${JSON.stringify(line)})`;
    if (line === '') return;
    if (line.startsWith('# HELP ')) {
      const [name = '', ...help] = line.slice(7).split(' ');
      if (!NAME.test(name)) throw new Error(`bad metric name at ${where}`);
      if (families.has(name)) throw new Error(`family ${name} declared twice at ${where}`);
      pendingHelp = { name, help: help.join(' ') };
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [name = '', type = ''] = line.slice(7).split(' ');
      if (pendingHelp?.name !== name) throw new Error(`# TYPE without its # HELP at ${where}`);
      if (!TYPES.has(type)) throw new Error(`unknown type at ${where}`);
      current = { name, help: pendingHelp.help, type, samples: [] };
      families.set(name, current);
      pendingHelp = undefined;
      return;
    }
    if (line.startsWith('#')) return;
    const match = SAMPLE.exec(line);
    if (!match || !current) throw new Error(`not a sample of a declared family at ${where}`);
    const [, name = '', , labelText = '', valueText = ''] = match;
    const suffixes =
      current.type === 'histogram' || current.type === 'summary' ? ['', '_bucket', '_sum', '_count'] : [''];
    if (!suffixes.some((s) => name === current!.name + s))
      throw new Error(`sample outside its family at ${where}`);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      if (!label) throw new Error(`bad labels at ${where}`);
      labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    const value = parseValue(valueText);
    if (value === undefined) throw new Error(`bad value at ${where}`);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(series)) throw new Error(`series repeated at ${where}`);
    seen.add(series);
    current.samples.push({ name, labels, value });
  });
  if (pendingHelp) throw new Error(`# HELP ${pendingHelp.name} has no # TYPE`);
  return families;
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  return text.trim() !== '' && !Number.isNaN(value) ? value : undefined;
}

/** The value of the one sample of `family` whose labels include `labels`; throws when not exactly one. */
export function sampleValue(
  families: Map<string, ParsedFamily>,
  family: string,
  labels: Record<string, string> = {},
): number {
  const matching = (families.get(family)?.samples ?? []).filter((s) =>
    Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matching.length !== 1) {
    throw new Error(`${matching.length} samples of ${family} match ${JSON.stringify(labels)}`);
  }
  return matching[0]!.value;
}
