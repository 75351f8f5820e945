package org.wsiarchive.converter.model;

/** Role of an image of the slide; value 3 of DICOM ImageType for VL Whole Slide Microscopy. */
public enum ImageFlavor {
    VOLUME, THUMBNAIL, LABEL, OVERVIEW
}
