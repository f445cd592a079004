export { APP_CONFIG, ConfigError, loadConfig, type AppConfig, type LoadedConfig, type NodeEnv } from './app-config';
export { ConfigModule } from './config.module';
