/** No device with that id; `code` is `EDDY_DEVICE_NOT_FOUND`. */
export class DeviceNotFoundError extends Error {
  readonly code = 'EDDY_DEVICE_NOT_FOUND';
  constructor(readonly deviceId: string) {
    super(
      `no device "${deviceId}" in the registry (list them with GET /api/devices or \`eddy devices list\`)`,
    );
    this.name = 'DeviceNotFoundError';
  }
}

/** A registered device has that id already; `code` is `EDDY_DEVICE_EXISTS`. */
export class DeviceExistsError extends Error {
  readonly code = 'EDDY_DEVICE_EXISTS';
  constructor(readonly deviceId: string) {
    super(
      `device "${deviceId}" is registered already: update it (PATCH), rotate its credentials, or remove it first`,
    );
    this.name = 'DeviceExistsError';
  }
}
