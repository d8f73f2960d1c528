/** A Prometheus metric family: every sample of it shares the name, help, type and label names. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  /** `counter` only goes up (until the process restarts); `gauge` goes up and down. */
  readonly type: 'counter' | 'gauge';
  readonly labelNames: readonly string[];
}

/** A counter family named `eddy_<name>`. */
export function counter(name: string, labelNames: readonly string[], help: string): MetricFamily {
  return { name: `eddy_${name}`, type: 'counter', labelNames, help };
}

/** A gauge family named `eddy_<name>`. */
export function gauge(name: string, labelNames: readonly string[], help: string): MetricFamily {
  return { name: `eddy_${name}`, type: 'gauge', labelNames, help };
}
