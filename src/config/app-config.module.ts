import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, loadAppConfig } from './app.config';

/** Provides the one validated configuration object to every module. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig = loadAppConfig()) {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
