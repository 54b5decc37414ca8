import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { CUSTODY_CHAIN, DOCUMENT_KINDS, type CustodyHolder } from '../../../../libs/domain/src';

/** The multipart body of an upload: fields first, then the one file part. */
export const UPLOAD_BODY_SCHEMA = {
  type: 'object',
  required: ['kind', 'language', 'file'],
  properties: {
    kind: { type: 'string', enum: [...DOCUMENT_KINDS], description: 'what the document is to the case' },
    language: { type: 'string', pattern: '^[a-z]{2}$', example: 'fr', description: 'ISO 639-1 language of the document' },
    certified: { type: 'string', enum: ['true', 'false'], description: 'TRANSLATION only, required there: the translation is certified (UNTOC art. 18(14))' },
    certifiedBy: { type: 'string', maxLength: 200, description: 'TRANSLATION certified true: who certified it (sworn translator, authority)' },
    itemId: { type: 'string', maxLength: 100, description: 'EVIDENCE only, required there: the item of the request it answers' },
    supersedes: { type: 'string', format: 'uuid', description: 'the document of the same kind this version replaces (both are kept)' },
    file: {
      type: 'string',
      format: 'binary',
      description:
        'the bytes, last part of the body, at most DOCUMENT_MAX_BYTES (default 50 MiB): PDF, PNG, JPEG, TIFF, office documents or UTF-8 text, recognised from the bytes',
    },
  },
} as const;

export class DocumentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: DOCUMENT_KINDS }) kind!: string;
  @ApiProperty({ example: 'fr' }) language!: string;
  @ApiProperty({ example: 'annex-1-warrant.pdf' }) filename!: string;
  @ApiProperty({ example: 'application/pdf', description: 'recognised from the bytes, never taken from the client' }) contentType!: string;
  @ApiProperty({ example: 18234 }) bytes!: number;
  @ApiProperty({
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    description: 'SHA-256 of the bytes (hex); the ETag of the download',
  })
  sha256!: string;
  @ApiProperty({ enum: ['postgres', 's3'] }) storage!: string;
  @ApiProperty() certified!: boolean;
  @ApiProperty({ type: String, nullable: true }) certifiedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) itemId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) supersedes!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'the newer version, when there is one' }) supersededBy!: string | null;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty({ example: 'PROSECUTOR' }) uploadedRole!: string;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiProperty({ example: '/cases/0d5c…/documents/8a1f…', description: 'where to download the bytes' }) href!: string;
}

export class DocumentListDto {
  @ApiProperty({
    enum: ['ALL', 'ITEMS', 'SUMMARY'],
    description: 'ALL: every document; ITEMS: an executing authority, the documents of the items forwarded to it; SUMMARY: only that documents exist',
  })
  scope!: string;

  @ApiProperty({ description: 'how many documents the reader is told of' }) count!: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { ANNEX: 2, TRANSLATION: 1 } })
  kinds!: Record<string, number>;

  @ApiProperty({ type: [DocumentDto], description: 'empty for SUMMARY readers' }) documents!: DocumentDto[];
}

export class DocumentActorDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ example: 'EXECUTING_AUTHORITY' }) role!: string;
  @ApiProperty({ type: String, nullable: true }) stateCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) authorityId!: string | null;
}

export class CustodyLinkDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ enum: ['STORED', 'HANDOVER'] }) event!: string;
  @ApiProperty({ enum: CUSTODY_CHAIN, nullable: true }) from!: string | null;
  @ApiProperty({ enum: CUSTODY_CHAIN }) to!: string;
  @ApiProperty({ type: DocumentActorDto }) actor!: DocumentActorDto;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'SHA-256 of the bytes, recomputed from storage at the handover' }) sha256!: string;
  @ApiProperty({ description: 'the hash is the one recorded when the evidence was stored' }) unchanged!: boolean;
  @ApiPropertyOptional() comment?: string;
}

export class CustodyDto {
  @ApiProperty({ type: DocumentDto }) document!: DocumentDto;
  @ApiProperty({ enum: CUSTODY_CHAIN, nullable: true, description: 'who holds the evidence now' }) holder!: string | null;
  @ApiProperty({ enum: CUSTODY_CHAIN, nullable: true, description: 'to whom the holder hands it next; null at the end of the chain' }) next!: string | null;
  @ApiProperty({ type: [CustodyLinkDto] }) chain!: CustodyLinkDto[];
  @ApiProperty({ description: "the document's audit events still chain (each row's hash over its predecessor)" }) chainIntact!: boolean;
}

export class HandoverDto {
  @ApiProperty({ enum: CUSTODY_CHAIN, description: 'the next holder: executing authority → requested CA → requesting CA → prosecutor' })
  @IsIn(CUSTODY_CHAIN)
  to!: CustodyHolder;

  @ApiPropertyOptional({ maxLength: 2000, description: 'how it was handed over (seal numbers, courier)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  comment?: string;
}
