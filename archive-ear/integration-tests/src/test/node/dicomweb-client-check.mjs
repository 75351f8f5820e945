// Exercises the archive with dicomweb-client, the DICOMweb client of Slim and OHIF, the way they call it.
// Usage: node dicomweb-client-check.mjs BASE_URL PART10_FILE STUDY SERIES INSTANCE FIRST_FRAME_FILE
// Prints one JSON line with what it found; exits non-zero on any failure.
import XMLHttpRequest from 'xhr2';
import { api } from 'dicomweb-client';
import { readFileSync } from 'node:fs';

globalThis.XMLHttpRequest = XMLHttpRequest;
const [base, file, study, series, instance, frameFile] = process.argv.slice(2);
const client = new api.DICOMwebClient({ url: base });
const fail = (message) => { console.error(message); process.exit(1); };

const bytes = readFileSync(file);
const dataset = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
await client.storeInstances({ datasets: [dataset] });

const studies = await client.searchForStudies({ queryParams: { StudyInstanceUID: study } });
if (studies.length !== 1) fail(`searchForStudies: ${studies.length} results`);
const seriesList = await client.searchForSeries({ studyInstanceUID: study, queryParams: { Modality: 'SM' } });
if (seriesList.length !== 1) fail(`searchForSeries: ${seriesList.length} results`);
const instances = await client.searchForInstances({ studyInstanceUID: study, seriesInstanceUID: series });
if (instances.length !== 1) fail(`searchForInstances: ${instances.length} results`);

const metadata = await client.retrieveSeriesMetadata({ studyInstanceUID: study, seriesInstanceUID: series });
if (metadata.length !== 1 || metadata[0]['00080018'].Value[0] !== instance) fail('retrieveSeriesMetadata');

const frames = await client.retrieveInstanceFrames({
  studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: instance, frameNumbers: [1],
  mediaTypes: [{ mediaType: 'image/jpeg', transferSyntaxUID: '1.2.840.10008.1.2.4.50' }],
});
const expected = readFileSync(frameFile);
const frame = Buffer.from(frames[0]);
if (!frame.equals(expected)) fail(`frame 1: ${frame.length} bytes, expected ${expected.length} equal bytes`);

const octet = await client.retrieveInstanceFrames({
  studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: instance, frameNumbers: [1, 2],
  mediaTypes: [{ mediaType: 'application/octet-stream', transferSyntaxUID: '*' }],
});
if (octet.length !== 2 || !Buffer.from(octet[0]).equals(expected)) fail('frames as octet-stream');

console.log(JSON.stringify({ studies: studies.length, series: seriesList.length, instances: instances.length,
  metadata: metadata.length, frameBytes: frame.length }));
