import { DynamicModule, Module } from '@nestjs/common';
import type { DocumentsConfig } from '../../../../libs/config/src';
import { DOCUMENT_RULES } from '../cases/case-reference';
import { CasesModule } from '../cases/cases.module';
import { DocumentsController } from './documents.controller';
import { DOCUMENTS_CONFIG, DocumentsService } from './documents.service';

/** Case documents: import this module and inject DocumentsService to store or read a document (see documents.service.ts). */
@Module({})
export class DocumentsModule {
  static forConfig(config: DocumentsConfig | undefined): DynamicModule {
    return {
      module: DocumentsModule,
      global: true,
      imports: [CasesModule],
      controllers: [DocumentsController],
      providers: [{ provide: DOCUMENTS_CONFIG, useValue: config }, { provide: DOCUMENT_RULES, useValue: config?.rules ?? 'attested' }, DocumentsService],
      exports: [DocumentsService, DOCUMENT_RULES],
    };
  }
}
