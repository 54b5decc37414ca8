import { Module } from '@nestjs/common';
import { readLetterTemplates } from '../../../../seeds/loader';
import { CasesModule } from '../cases/cases.module';
import { LETTER_TEMPLATES, LettersController } from './letters.controller';

/**
 * The letter of request and the custody report. Needs DocumentsModule (global) to store and read documents.
 * The templates are read and validated once at start: a defective seeds/data/letter-templates.json stops the API.
 */
@Module({
  imports: [CasesModule],
  controllers: [LettersController],
  providers: [{ provide: LETTER_TEMPLATES, useFactory: () => readLetterTemplates() }],
})
export class LettersModule {}
