package org.wsiarchive.core.render;

import com.pixelmed.dicom.*;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.retrieve.FrameNotAvailableException;
import org.wsiarchive.core.retrieve.RetrieveService;
import org.wsiarchive.core.retrieve.StoredInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server-side decoding for clients that cannot take the stored encoding: single frames as pixels, and whole
 * instances transcoded to Explicit VR Little Endian. Built on {@link RetrieveService}'s positional frame reads and
 * {@link FrameDecoder}; the only header parse is one per instance, cached.
 */
@ApplicationScoped
public class DecodingService {

    /** Frames above which the header is read only up to the per-frame functional groups (they are not needed). */
    private static final int PER_FRAME_GROUPS_LIMIT = 4096;
    private static final int DESCRIPTION_CACHE_SIZE = 1024;
    /** The largest Pixel Data value an Explicit VR Little Endian file can hold (32-bit length, even). */
    public static final long MAX_NATIVE_PIXEL_DATA = 0xFFFFFFFEL;

    @Inject
    RetrieveService retrieve;

    private final Map<Long, ImageDescription> descriptions = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, ImageDescription> eldest) {
                    return size() > DESCRIPTION_CACHE_SIZE;
                }
            });

    /** The pixel description of an instance, from its stored header (read once, then cached). */
    public ImageDescription description(StoredInstance instance) throws IOException {
        ImageDescription cached = descriptions.get(instance.pk());
        if (cached != null) return cached;
        ImageDescription d = ImageDescription.of(header(instance, false), instance.transferSyntaxUid());
        descriptions.put(instance.pk(), d);
        return d;
    }

    /**
     * The stored header up to Pixel Data. Unless {@code complete}, a very large multi-frame instance is read only up to
     * its Per-Frame Functional Groups, which a decoder never needs.
     */
    AttributeList header(StoredInstance instance, boolean complete) throws IOException {
        AttributeList list = new AttributeList();
        try {
            Integer frames = instance.numberOfFrames();
            if (!complete && frames != null && frames > PER_FRAME_GROUPS_LIMIT) {
                list.read(retrieve.file(instance).toFile(), (l, tag, offset) ->
                        tag.compareTo(TagFromName.PerFrameFunctionalGroupsSequence) >= 0);
            } else {
                list.read(retrieve.file(instance).toFile(), TagFromName.PixelData);
            }
        } catch (DicomException e) {
            throw new IOException("stored instance " + instance.sopInstanceUid() + " cannot be read: " + e.getMessage(), e);
        }
        return list;
    }

    /** The stored bytes of one frame (1-based), as {@link RetrieveService#copyFrame} serves them. */
    public byte[] storedFrame(StoredInstance instance, FrameIndex index, int frameNumber) throws IOException, FrameNotAvailableException {
        long length = index.positional() ? index.frameLength(frameNumber - 1) : 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(length, 32), Integer.MAX_VALUE - 8));
        retrieve.copyFrame(instance, index, frameNumber, out);
        return out.toByteArray();
    }

    /** Frame {@code frameNumber} (1-based) decoded to pixels. */
    public DecodedFrame decodeFrame(StoredInstance instance, FrameIndex index, int frameNumber)
            throws IOException, FrameNotAvailableException, NotDecodableException {
        ImageDescription d = description(instance);
        return FrameDecoder.decode(d, storedFrame(instance, index, frameNumber), index.bigEndian());
    }

    /** Why frames of this instance cannot be decoded, or null. */
    public String whyNotDecodable(StoredInstance instance) throws IOException {
        return FrameDecoder.whyNotDecodable(description(instance));
    }

    // ---- transcoding ------------------------------------------------------------------------------------------

    /** Why this instance cannot be transcoded to Explicit VR Little Endian, or null when it can. */
    public String whyNotTranscodable(StoredInstance instance) throws IOException {
        FrameIndex index = retrieve.frameIndex(instance);
        if (index == null) return null; // no pixel data: only the header is rewritten
        ImageDescription d = description(instance);
        if (index.kind() == FrameIndex.Kind.BIT_PACKED_UNALIGNED) {
            return "bit-packed frames that do not start on a byte boundary cannot be transcoded";
        }
        if (FrameDecoder.compressed(instance.transferSyntaxUid())) {
            String why = FrameDecoder.whyNotDecodable(d);
            if (why != null) return why;
        }
        long total = d.frameBytes() * index.frameCount();
        if (total > MAX_NATIVE_PIXEL_DATA) {
            return "decoded Pixel Data would be " + total + " bytes, more than Explicit VR Little Endian can hold ("
                    + MAX_NATIVE_PIXEL_DATA + ")";
        }
        return null;
    }

    /**
     * Writes the instance as a Part 10 file in Explicit VR Little Endian: the stored header rewritten by PixelMed
     * (new File Meta Information; Photometric Interpretation RGB and Planar Configuration 0 for decoded colour
     * frames; offset tables of the encapsulated form dropped), then Pixel Data streamed frame by frame, so memory is
     * one frame whatever the instance size. Lossy Image Compression stays as stored. Attributes stored after Pixel
     * Data (trailing padding) are not written. Call {@link #whyNotTranscodable} first.
     */
    public void transcode(StoredInstance instance, OutputStream out) throws IOException {
        FrameIndex index = retrieve.frameIndex(instance);
        AttributeList list = header(instance, true);
        list.removeMetaInformationHeaderAttributes();
        list.removeGroupLengthAttributes();
        list.remove(new AttributeTag(0x7FE0, 0x0001)); // Extended Offset Table
        list.remove(new AttributeTag(0x7FE0, 0x0002)); // Extended Offset Table Lengths
        list.remove(new AttributeTag(0x7FE0, 0x0003)); // Encapsulated Pixel Data Value Total Length
        boolean compressed = FrameDecoder.compressed(instance.transferSyntaxUid());
        ImageDescription d = index == null ? null : description(instance);
        try {
            if (compressed && d != null && d.samplesPerPixel() == 3 && !instance.transferSyntaxUid().equals("1.2.840.10008.1.2.5")) {
                replace(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "RGB");
            }
            if (compressed && d != null && d.samplesPerPixel() > 1) {
                replace(list, new UnsignedShortAttribute(TagFromName.PlanarConfiguration), "0");
            }
            FileMetaInformation.addFileMetaInformation(list, FrameDecoder.EXPLICIT_VR_LITTLE_ENDIAN, "WSIARCHIVE");
            list.write(out, FrameDecoder.EXPLICIT_VR_LITTLE_ENDIAN, true, false, false);
        } catch (DicomException e) {
            throw new IOException("header of " + instance.sopInstanceUid() + " cannot be rewritten: " + e.getMessage(), e);
        }
        if (index == null) {
            out.flush();
            return;
        }
        long length = d.frameBytes() * index.frameCount();
        if (d.bitsAllocated() == 1) length = ((long) d.rows() * d.columns() * index.frameCount() + 7) / 8;
        if (d.photometricInterpretation().equals("YBR_FULL_422") && !compressed) length = length * 2 / 3;
        long padded = length + (length & 1);
        byte[] header = new byte[12];
        header[0] = (byte) 0xE0;
        header[1] = 0x7F;
        header[2] = 0x10;
        header[3] = 0x00;
        header[4] = 'O';
        header[5] = (byte) (d.bitsAllocated() > 8 ? 'W' : 'B');
        for (int k = 0; k < 4; k++) header[8 + k] = (byte) (padded >>> (8 * k));
        out.write(header);
        long written = 0;
        for (int f = 1; f <= index.frameCount(); f++) {
            byte[] bytes;
            try {
                if (compressed) {
                    bytes = FrameDecoder.decode(d, storedFrame(instance, index, f), false).data();
                } else {
                    bytes = storedFrame(instance, index, f);
                    if (index.bigEndian() && d.bitsAllocated() == 16) {
                        for (int i = 0; i + 1 < bytes.length; i += 2) {
                            byte t = bytes[i];
                            bytes[i] = bytes[i + 1];
                            bytes[i + 1] = t;
                        }
                    }
                }
            } catch (FrameNotAvailableException | NotDecodableException e) {
                throw new IOException("frame " + f + " of " + instance.sopInstanceUid() + ": " + e.getMessage(), e);
            }
            int n = (int) Math.min(bytes.length, length - written);
            out.write(bytes, 0, n);
            written += n;
        }
        if (written != length) {
            throw new IOException("transcoded Pixel Data of " + instance.sopInstanceUid() + " has " + written
                    + " bytes, expected " + length);
        }
        if (padded != length) out.write(0);
        out.flush();
    }

    private static void replace(AttributeList list, Attribute a, String value) throws DicomException {
        a.addValue(value);
        list.put(a);
    }
}
