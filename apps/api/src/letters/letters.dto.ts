import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { DocumentDto } from '../documents/documents.dto';

const LANGUAGE = /^[a-z]{2}$/;

export class RequestLetterBodyDto {
  @ApiPropertyOptional({
    description:
      "ISO 639-1 language of the letter, one the requested State accepts under the case's basis; by default the request's own when accepted, else the requested State's",
    example: 'fr',
  })
  @IsOptional()
  @IsString()
  @Matches(LANGUAGE, { message: 'language must be an ISO 639-1 code' })
  language?: string;
}

export class CustodyReportQuery {
  @ApiPropertyOptional({ description: "ISO 639-1 language of the report; by default the requesting State's (its courts read it)", example: 'fr' })
  @IsOptional()
  @IsString()
  @Matches(LANGUAGE, { message: 'language must be an ISO 639-1 code' })
  language?: string;
}

export class MissingElementDto {
  @ApiProperty({ example: 'persons[0].nationality', description: 'the case field to complete' })
  element!: string;

  @ApiProperty({ example: 'Nationalité de la personne concernée : Suspect Moussa Diop', description: "what is missing, in the letter's language" })
  label!: string;

  @ApiProperty({ example: 'UNTOC art. 18(15)(e)' })
  legalRef!: string;
}

export class RequestLetterDto {
  @ApiProperty({ type: DocumentDto, description: 'the REQUEST_LETTER document stored on the case (superseding the previous one, if any)' })
  document!: DocumentDto;

  @ApiProperty({ example: 'fr', description: 'the language the letter is drafted in' })
  language!: string;

  @ApiProperty({ example: 'en', description: "the language of the case's own passages (facts, subject, purpose)" })
  caseLanguage!: string;

  @ApiProperty({ description: "the case's passages are in another language than the letter: a certified translation must go with it (the letter says so)" })
  translationNeeded!: boolean;

  @ApiProperty({ type: [MissingElementDto], description: 'elements the case does not give: marked in the letter and listed, never invented' })
  missingElements!: MissingElementDto[];
}
