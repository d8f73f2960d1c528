import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InvalidDeviceError } from '../../devices/device.ts';
import { DeviceExistsError, DeviceNotFoundError } from '../../devices/device-errors.ts';
import type { DeviceRegistry } from '../../devices/device-registry.ts';
import { ApiErrors } from '../errors.ts';
import {
  DeviceParamsSchema,
  DeviceSchema,
  DevicesListSchema,
  DevicesQuerySchema,
  DeviceWithCredentialsSchema,
  RegisterDeviceSchema,
  UpdateDeviceSchema,
} from '../schemas/devices.ts';

/** What the routes ask of the registry: a `DeviceRegistry` fits. */
export type DeviceDirectory = Pick<
  DeviceRegistry,
  'list' | 'get' | 'register' | 'update' | 'remove' | 'rotateCredentials'
>;

export interface DevicesRoutesOptions {
  readonly devices: DeviceDirectory;
}

const DEFAULT_PAGE = 100;

/**
 * The device registry over HTTP, schema-first:
 *
 * - `GET /api/devices?status=&kind=&tag=key:value&limit=&offset=`: devices by id with status
 *   (online / offline / unknown), last seen and message rate; `limit` default 100, at most 1,000.
 * - `GET /api/devices/:id`
 * - `POST /api/devices` `{id, name?, kind?, location?, tags?, expectedIntervalMs?}`: registers a
 *   device ahead (or adopts one that appeared by itself) and answers 201 with its MQTT credentials,
 *   the only time the password is shown.
 * - `PATCH /api/devices/:id`: changes the fields sent (`null` clears one).
 * - `DELETE /api/devices/:id`: 204; its credentials stop working.
 * - `POST /api/devices/:id/credentials`: a new password (the old one stops working).
 *
 * Mutating routes carry `config: { auth: true }`: they need the API token (see `auth.ts`).
 * Unknown device 404 `EDDY_DEVICE_NOT_FOUND`, taken id 409 `EDDY_DEVICE_EXISTS`, a field the
 * registry refuses 400 `EDDY_DEVICE_INVALID`. Ids and tags are matched against patterns; no SQL is
 * built from them.
 *
 * @example
 * await app.register(devicesRoutes, { devices: registry });
 * // POST /api/devices {"id":"boiler-1","kind":"boiler"} → 201 {"device":{...},"credentials":{"username":"boiler-1","password":"..."}}
 */
export const devicesRoutes: FastifyPluginAsyncTypebox<DevicesRoutesOptions> = async (app, options) => {
  const devices = options.devices;

  app.get(
    '/api/devices',
    { schema: { querystring: DevicesQuerySchema, response: { 200: DevicesListSchema } } },
    async (request) => {
      const { status, kind, tag, limit = DEFAULT_PAGE, offset = 0 } = request.query;
      const colon = tag?.indexOf(':') ?? -1;
      const page = devices.list({
        ...(status ? { status } : {}),
        ...(kind ? { kind } : {}),
        ...(tag ? { tag: { key: tag.slice(0, colon), value: tag.slice(colon + 1) } } : {}),
        limit,
        offset,
      });
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/api/devices/:id',
    { schema: { params: DeviceParamsSchema, response: { 200: DeviceSchema } } },
    async (request) => {
      const device = devices.get(request.params.id);
      if (!device) throw ApiErrors.deviceNotFound(request.params.id);
      return device;
    },
  );

  app.post(
    '/api/devices',
    {
      config: { auth: true },
      schema: { body: RegisterDeviceSchema, response: { 201: DeviceWithCredentialsSchema } },
    },
    async (request, reply) => {
      const { id, ...fields } = request.body;
      const registered = registry(() => devices.register(id, fields));
      return reply.code(201).header('cache-control', 'no-store').send(registered);
    },
  );

  app.patch(
    '/api/devices/:id',
    {
      config: { auth: true },
      schema: { params: DeviceParamsSchema, body: UpdateDeviceSchema, response: { 200: DeviceSchema } },
    },
    async (request) => registry(() => devices.update(request.params.id, request.body)),
  );

  app.delete(
    '/api/devices/:id',
    { config: { auth: true }, schema: { params: DeviceParamsSchema } },
    async (request, reply) => {
      registry(() => devices.remove(request.params.id));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/devices/:id/credentials',
    {
      config: { auth: true },
      schema: { params: DeviceParamsSchema, response: { 200: DeviceWithCredentialsSchema } },
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(registry(() => devices.rotateCredentials(request.params.id))),
  );
};

/** Runs a registry call, turning its refusals into catalog errors. */
function registry<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof DeviceNotFoundError) throw ApiErrors.deviceNotFound(error.deviceId);
    if (error instanceof DeviceExistsError) throw ApiErrors.deviceExists(error.deviceId);
    if (error instanceof InvalidDeviceError) throw ApiErrors.deviceInvalid(error.message);
    throw error;
  }
}
