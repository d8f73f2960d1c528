import {
  InfluxDB,
  type IParsedPoint,
  type IParseOptions,
  type IPoint,
  type IPoolOptions,
  type ISchemaOptions,
  type ISingleHostConfig,
} from 'influx';
import { eddyInfluxSchemas } from './influx-schema.ts';
import type { InfluxUrl } from './influx-url.ts';

/** Options of {@link createInfluxClient}. */
export interface InfluxClientOptions {
  /** An HTTP request without an answer after this long fails (and the sink retries it). Default 30 s. */
  readonly requestTimeoutMs?: number;
}

/**
 * Never takes the host out of the client's pool. The `influx` client would otherwise disable a
 * host that refused a connection for up to 10 s on its own (unref-less) timer and answer "No host
 * available" meanwhile; retrying is the sink's job, on its injected clock.
 */
const NEVER_DISABLE: NonNullable<IPoolOptions['backoff']> = {
  getDelay: () => 0,
  next: () => NEVER_DISABLE,
  reset: () => NEVER_DISABLE,
};

/**
 * An `influx` (node-influx 5) client for a parsed `--influx` URL: default database from the URL,
 * basic auth when the URL has a user, Eddy's schema registered (so `count` is written as an
 * integer), and no retries of its own (each call makes one HTTP request; callers retry). Its
 * schemas accept tag keys they do not list (a device's registry tags), see {@link OpenTagsInfluxDB}.
 *
 * @example
 * const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:8086/eddy'));
 * await client.writePoints([windowAggregateToPoint(agg)], { precision: 'ms' });
 */
export function createInfluxClient(url: InfluxUrl, options: InfluxClientOptions = {}): InfluxDB {
  return new OpenTagsInfluxDB({
    protocol: url.protocol,
    host: url.host,
    port: url.port,
    database: url.database,
    ...(url.username !== undefined ? { username: url.username, password: url.password ?? '' } : {}),
    schema: eddyInfluxSchemas(url.database),
    pool: { maxRetries: 0, backoff: NEVER_DISABLE, requestTimeout: options.requestTimeoutMs ?? 30_000 },
  });
}

/**
 * node-influx checks every point against the schema registered for its database + measurement
 * (`lib/src/schema.js`): `coerceFields` types the fields (`count` → `3i`) and refuses a field it
 * does not name ("Extraneous fields"), and `checkTags` refuses any tag key not in the `tags` list
 * given to the schema ("Extraneous tags detected for writing InfluxDB point in db.measurement").
 * That list is copied into a lookup when the schema is built, so it is closed. Going without a
 * schema is no way out: the client would then write `count=3` as a float, and InfluxDB would
 * refuse every later point of the measurement for a field type conflict.
 *
 * So the tag list grows as tag keys appear: before a point is parsed (`writePoints` parses every
 * point through `parsePoint`), a tag key its measurement's schema does not list is added to it and
 * the schema registered again (`addSchema` replaces it), with the same typed fields. That happens
 * once per new key (a device's registry tags: keys already checked safe by the registry, values
 * escaped by the client), then costs a Set lookup per tag. Fields stay closed and typed.
 */
class OpenTagsInfluxDB extends InfluxDB {
  private readonly schemas = new Map<
    string,
    { readonly options: ISchemaOptions; readonly tags: Set<string> }
  >();

  constructor(private readonly config: ISingleHostConfig & { database: string }) {
    super(config);
    for (const schema of config.schema ?? []) this.remember(schema);
  }

  override addSchema(schema: ISchemaOptions): void {
    super.addSchema(schema);
    this.remember(schema);
  }

  override parsePoint(point: IPoint, options: IParseOptions = {}): IParsedPoint {
    const schema = this.schemas.get(schemaKey(options.database ?? this.config.database, point.measurement));
    if (schema !== undefined && point.tags !== undefined) {
      let grown = false;
      for (const key of Object.keys(point.tags)) {
        if (!schema.tags.has(key)) {
          schema.tags.add(key);
          grown = true;
        }
      }
      if (grown) super.addSchema({ ...schema.options, tags: [...schema.tags] });
    }
    return super.parsePoint(point, options);
  }

  private remember(schema: ISchemaOptions): void {
    const database = schema.database ?? this.config.database;
    this.schemas.set(schemaKey(database, schema.measurement), {
      options: { ...schema, database },
      tags: new Set(schema.tags),
    });
  }
}

function schemaKey(database: string, measurement: string | undefined): string {
  return `${database}\u0000${measurement ?? ''}`;
}
