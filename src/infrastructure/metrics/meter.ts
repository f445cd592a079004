/** The meter the catalogue's instruments belong to (also selects the cardinality-limit view). */
export const METER_NAME = 'mytelevision-api';
