import { Type } from 'typebox';
import { DEVICE_LIMITS } from '../../devices/device.ts';
import { DeviceIdSchema } from './identifiers.ts';

const Text = (description: string) =>
  Type.Union([Type.String({ minLength: 1, maxLength: DEVICE_LIMITS.maxTextLength }), Type.Null()], {
    description,
  });

/** Tags: the keys are checked again by the registry (patterns, reserved keys like `device`). */
const TagsSchema = Type.Record(
  Type.String({ maxLength: 64 }),
  Type.String({ pattern: '^[A-Za-z0-9_.:/@+-]{1,128}$', description: '1 to 128 letters, digits or _.:/@+-' }),
  {
    maxProperties: DEVICE_LIMITS.maxTags,
    description: 'InfluxDB tags of the device: keys like metric names (not device, metric, window, ...)',
  },
);

const IntervalSchema = Type.Union(
  [
    Type.Integer({
      minimum: DEVICE_LIMITS.minExpectedIntervalMs,
      maximum: DEVICE_LIMITS.maxExpectedIntervalMs,
    }),
    Type.Null(),
  ],
  { description: 'how often the device reports (ms); null: learnt from its messages' },
);

const editable = {
  name: Type.Optional(Text('display name')),
  kind: Type.Optional(Text('what it is, e.g. boiler')),
  location: Type.Optional(Text('where it is, free text')),
  tags: Type.Optional(TagsSchema),
  expectedIntervalMs: Type.Optional(IntervalSchema),
};

/** `POST /api/devices`. */
export const RegisterDeviceSchema = Type.Object(
  { id: DeviceIdSchema, ...editable },
  { additionalProperties: false },
);

/** `PATCH /api/devices/:id`: only the fields present change; `null` clears one. */
export const UpdateDeviceSchema = Type.Object(editable, { additionalProperties: false, minProperties: 1 });

export const DeviceParamsSchema = Type.Object({ id: DeviceIdSchema });

/** `tag=key:value`. */
export const TAG_FILTER_PATTERN = '^[A-Za-z_][A-Za-z0-9_.-]{0,63}:[A-Za-z0-9_.:/@+-]{1,128}$';

export const DevicesQuerySchema = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('unknown')]),
    ),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: DEVICE_LIMITS.maxTextLength })),
    tag: Type.Optional(
      Type.String({ pattern: TAG_FILTER_PATTERN, description: 'key:value, e.g. site:lyon' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** A device as the API shows it (never its credentials). */
export const DeviceSchema = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  kind: Nullable(Type.String()),
  location: Nullable(Type.String()),
  tags: Type.Record(Type.String(), Type.String()),
  expectedIntervalMs: Nullable(Type.Number()),
  registeredAt: Type.Number(),
  firstSeen: Nullable(Type.Number()),
  lastSeen: Nullable(Type.Number()),
  auto: Type.Boolean(),
  hasCredentials: Type.Boolean(),
  status: Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('unknown')]),
  messageRate: Type.Number({ description: 'messages per second over the last minute' }),
  observedIntervalMs: Nullable(Type.Number()),
});

export const DevicesListSchema = Type.Object({
  devices: Type.Array(DeviceSchema),
  total: Type.Integer({ minimum: 0 }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

/** A device with its MQTT credentials: answered once, at registration or rotation. */
export const DeviceWithCredentialsSchema = Type.Object({
  device: DeviceSchema,
  credentials: Type.Object({
    username: Type.String(),
    password: Type.String({ description: 'shown only now: store it on the device' }),
  }),
});
