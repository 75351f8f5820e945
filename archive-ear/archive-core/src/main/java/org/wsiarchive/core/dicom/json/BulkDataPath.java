package org.wsiarchive.core.dicom.json;

import com.pixelmed.dicom.AttributeTag;

import java.util.ArrayList;
import java.util.List;

/**
 * Position of an attribute in a data set, from the top level down through sequence items, e.g.
 * {@code (7FE0,0010)} or {@code (0048,0105) item 0 > (0028,2000)}.
 *
 * <p>{@code tags} holds the tag of every attribute on the way down, {@code itemIndexes} the 0-based item index taken
 * in each sequence. A path either ends at an attribute ({@code itemIndexes.size() == tags.size() - 1}, the only
 * kind handed to a {@link DicomJsonWriter.BulkDataPolicy}) or inside a sequence item
 * ({@code itemIndexes.size() == tags.size()}, the intermediate state while walking down; {@link #ROOT} is the
 * top-level data set). Immutable.
 *
 * @param tags        tags as {@code (group << 16) | element}, outermost first
 * @param itemIndexes 0-based item indexes, outermost first
 */
public record BulkDataPath(List<Integer> tags, List<Integer> itemIndexes) {

    /** The top-level data set itself (no attribute yet). */
    public static final BulkDataPath ROOT = new BulkDataPath(List.of(), List.of());

    public BulkDataPath {
        tags = List.copyOf(tags);
        itemIndexes = List.copyOf(itemIndexes);
        int diff = tags.size() - itemIndexes.size();
        if (diff != 0 && diff != 1) {
            throw new IllegalArgumentException("item indexes must alternate with tags: " + tags + " / " + itemIndexes);
        }
        for (int index : itemIndexes) {
            if (index < 0) {
                throw new IllegalArgumentException("negative item index " + index);
            }
        }
    }

    /** A top-level attribute. */
    public static BulkDataPath of(int tag) {
        return ROOT.child(tag);
    }

    /** A top-level attribute. */
    public static BulkDataPath of(AttributeTag tag) {
        return ROOT.child(tag);
    }

    /** The attribute {@code tag} inside the data set or item this path ends in. */
    public BulkDataPath child(int tag) {
        if (endsAtAttribute()) {
            throw new IllegalStateException("path " + this + " ends at an attribute; select an item first");
        }
        List<Integer> t = new ArrayList<>(tags);
        t.add(tag);
        return new BulkDataPath(t, itemIndexes);
    }

    public BulkDataPath child(AttributeTag tag) {
        return child((tag.getGroup() << 16) | tag.getElement());
    }

    /** The item with 0-based {@code index} of the sequence this path ends at. */
    public BulkDataPath item(int index) {
        if (!endsAtAttribute()) {
            throw new IllegalStateException("path " + this + " does not end at a sequence attribute");
        }
        List<Integer> i = new ArrayList<>(itemIndexes);
        i.add(index);
        return new BulkDataPath(tags, i);
    }

    /** True if the path names an attribute (rather than a data set or an item). */
    public boolean endsAtAttribute() {
        return tags.size() == itemIndexes.size() + 1;
    }

    /** Tag of the attribute this path ends at. */
    public int tag() {
        if (!endsAtAttribute()) {
            throw new IllegalStateException("path " + this + " does not end at an attribute");
        }
        return tags.getLast();
    }

    /** True for an attribute of the top-level data set (not nested in a sequence). */
    public boolean isTopLevel() {
        return tags.size() == 1;
    }

    /**
     * The path as used after a bulk data URI prefix: tags as 8 upper-case hex digits, item numbers 1-based (as
     * DICOM numbers items), separated by '/', e.g. {@code 7FE00010} or {@code 00480105/1/00282000}.
     */
    public String toUriSuffix() {
        if (!endsAtAttribute()) {
            throw new IllegalStateException("path " + this + " does not end at an attribute");
        }
        StringBuilder sb = new StringBuilder(tags.size() * 11);
        for (int i = 0; i < tags.size(); i++) {
            if (i > 0) {
                sb.append('/').append(itemIndexes.get(i - 1) + 1).append('/');
            }
            sb.append(hex(tags.get(i)));
        }
        return sb.toString();
    }

    /** Tag as 8 upper-case hex digits, the DICOM JSON attribute key form. */
    static String hex(int tag) {
        String h = Integer.toHexString(tag).toUpperCase(java.util.Locale.ROOT);
        return "00000000".substring(h.length()) + h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < tags.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(hex(tags.get(i)));
            if (i < itemIndexes.size()) {
                sb.append(", item ").append(itemIndexes.get(i));
            }
        }
        return sb.append(']').toString();
    }
}
