// The page under test: dicom-microscopy-viewer showing one series of the archive, loaded cross-origin.
// Query: ?archive=<DICOMweb base URL>&study=<StudyInstanceUID>&series=<SeriesInstanceUID>
// Progress and failures are published on window.viewerState for viewer-check.mjs.
import * as dmvModule from 'dicom-microscopy-viewer';
import * as dwcModule from 'dicomweb-client';

// dmv's package entry is a UMD bundle: esbuild exposes its exports as the namespace or as its default
const dmv = dmvModule.viewer ? dmvModule : dmvModule.default;
const dwc = dwcModule;

const state = {
  status: 'starting',
  error: null,
  instances: 0,
  volumeImages: 0,
  framesStarted: 0,
  framesEnded: 0,
  framesFailed: 0,
  loadingErrors: [],
  lastFrameEventAt: 0,
};
window.viewerState = state;

const { EVENTS } = dmv.events;
const touch = () => { state.lastFrameEventAt = performance.now(); };
document.addEventListener(EVENTS.FRAME_LOADING_STARTED, () => { state.framesStarted++; touch(); });
document.addEventListener(EVENTS.FRAME_LOADING_ENDED, () => { state.framesEnded++; touch(); });
document.addEventListener(EVENTS.FRAME_LOADING_ERROR, (e) => {
  state.framesFailed++;
  touch();
  const p = e.detail && e.detail.payload;
  state.loadingErrors.push(p ? `frame ${p.frameNumber} of ${p.sopInstanceUID}` : 'frame');
});
document.addEventListener(EVENTS.LOADING_ERROR, (e) => {
  const p = e.detail && e.detail.payload;
  state.loadingErrors.push(String(p && p.message ? p.message : p));
});

async function main() {
  const params = new URLSearchParams(location.search);
  const client = new dwc.api.DICOMwebClient({ url: params.get('archive') });
  state.status = 'metadata';
  const metadata = await client.retrieveSeriesMetadata({
    studyInstanceUID: params.get('study'),
    seriesInstanceUID: params.get('series'),
  });
  state.instances = metadata.length;
  // as in dmv's README and Slim: the pyramid is made of the VOLUME (and THUMBNAIL) images of the series
  const volumeImages = metadata
    .map((m) => new dmv.metadata.VLWholeSlideMicroscopyImage({ metadata: m }))
    .filter((image) => ['VOLUME', 'THUMBNAIL'].includes(image.ImageType[2]));
  state.volumeImages = volumeImages.length;
  if (volumeImages.length === 0) throw new Error('no VOLUME image in the series metadata');
  const viewer = new dmv.viewer.VolumeImageViewer({ client, metadata: volumeImages });
  viewer.render({ container: document.getElementById('viewport') });
  window.viewer = viewer;
  state.status = 'rendered';
}

main().catch((e) => {
  state.status = 'failed';
  state.error = String(e && e.stack ? e.stack : e);
});
