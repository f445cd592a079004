export { DATABASE, isUniqueViolation, type Database, type Queryable, type QueryResult } from './database';
export { DatabaseModule, openDatabase } from './database.module';
