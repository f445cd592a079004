import { DynamicModule, Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DATABASE, type Database } from './database';
import { MIGRATIONS } from './migrations';
import { migrate } from './migrator';
import { PgDatabase } from './pg-database';
import { PgliteDatabase } from './pglite-database';

/** Opens the database the configuration names (PostgreSQL or embedded PGlite) and migrates it. */
export async function openDatabase(config: AppConfig, logger: Logger): Promise<Database> {
  const db: Database = config.databaseUrl
    ? new PgDatabase(
        config.databaseUrl,
        (error) => logger.error(`idle PostgreSQL client error: ${error.message}`),
        config.databasePassword,
      )
    : await PgliteDatabase.open(config.pgliteDataDir);
  try {
    const applied = await migrate(db, MIGRATIONS);
    logger.log(`database ${db.kind} ready${applied.length ? `, applied ${applied.join(', ')}` : ''}`);
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** Provides `DATABASE` (inject with `@Inject(DATABASE) db: Database`) and closes it at shutdown. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DATABASE,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => openDatabase(config, new Logger('Database')),
        },
      ],
      exports: [DATABASE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
