import { createHash } from 'node:crypto';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES, type AttachmentType, type AttachmentUpload } from '@piaojue/shared';
import { AppError } from './errors.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the bytes are, by their signature; office files are zips named by their main part. */
export function sniffAttachment(buf: Buffer): AttachmentType | null {
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (buf.subarray(0, 8).equals(PNG_MAGIC)) return 'image/png';
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.subarray(0, 4).toString('latin1') === 'PK\x03\x04') {
    // Entry names are stored uncompressed in a zip's headers.
    if (buf.includes('word/document')) return DOCX;
    if (buf.includes('xl/workbook')) return XLSX;
  }
  return null;
}

const isAttachmentType = (t: string): t is AttachmentType => (ATTACHMENT_TYPES as readonly string[]).includes(t);

function normaliseType(t: string): string {
  const base = t.split(';')[0]!.trim().toLowerCase();
  return base === 'image/jpg' ? 'image/jpeg' : base;
}

export interface DecodedAttachment {
  fileName: string;
  contentType: AttachmentType;
  content: Buffer;
  sha256: string;
  isPublic: boolean;
}


/** An uploaded file checked and decoded: an allowed type, within the size limit, bytes matching the declared type. */
export function decodeAttachment(a: AttachmentUpload): DecodedAttachment {
  const contentType = normaliseType(a.contentType);
  if (!isAttachmentType(contentType)) throw new AppError('ATTACHMENT_TYPE', { fileName: a.fileName, contentType: a.contentType });
  if (a.contentBase64.length % 4 !== 0) throw new AppError('VALIDATION', { field: 'contentBase64', fileName: a.fileName, reason: 'not base64' });
  // Checked on the encoded length first, so an oversized file is refused before it is decoded.
  if (Math.floor(a.contentBase64.length / 4) * 3 - 2 > ATTACHMENT_MAX_BYTES) {
    throw new AppError('ATTACHMENT_TOO_LARGE', { fileName: a.fileName, max: ATTACHMENT_MAX_BYTES });
  }
  const content = Buffer.from(a.contentBase64, 'base64');
  if (content.length > ATTACHMENT_MAX_BYTES) throw new AppError('ATTACHMENT_TOO_LARGE', { fileName: a.fileName, size: content.length, max: ATTACHMENT_MAX_BYTES });
  if (content.length === 0) throw new AppError('VALIDATION', { field: 'contentBase64', fileName: a.fileName, reason: 'empty file' });
  if (sniffAttachment(content) !== contentType) throw new AppError('ATTACHMENT_TYPE', { fileName: a.fileName, contentType, reason: 'content does not match the type' });
  return {
    fileName: a.fileName.trim(),
    contentType,
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
    isPublic: a.public ?? false,
  };
}
