import { PDFParse } from 'pdf-parse';

/** The text of a PDF as a reader extracts it (pdf-parse), whitespace runs as one space. */
export async function pdfText(data: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(data) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}
