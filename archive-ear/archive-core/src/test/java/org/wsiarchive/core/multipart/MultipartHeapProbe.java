package org.wsiarchive.core.multipart;

import java.io.OutputStream;
import java.util.zip.CRC32;

/** Run in a child JVM with a small -Xmx: streams a large generated body through the reader and prints the result. */
public final class MultipartHeapProbe {
    public static void main(String[] args) throws Exception {
        long payload = Long.parseLong(args[0]);
        String boundary = "probe-boundary-1234";
        GeneratedMultipartBody body = new GeneratedMultipartBody(boundary, payload, -1);
        CRC32 seen = new CRC32();
        long n;
        try (MultipartRelatedReader r = new MultipartRelatedReader(body,
                "multipart/related; type=\"application/dicom\"; boundary=" + boundary)) {
            MultipartRelatedReader.Part p = r.next();
            n = p.transferTo(new OutputStream() {
                @Override
                public void write(int b) {
                    seen.update(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    seen.update(b, off, len);
                }
            });
            if (r.next() != null) {
                throw new IllegalStateException("unexpected second part");
            }
        }
        System.out.println("RESULT " + n + " " + seen.getValue() + " " + body.payloadCrc.getValue() + " "
                + Runtime.getRuntime().maxMemory());
    }
}
