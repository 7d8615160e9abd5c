package org.opencasjobs.catalog.sdss;

/**
 * What later tables need to know of each PhotoObjAll row, kept in memory while the catalog is
 * generated (a few dozen bytes a row): identity, position, mode, type, what the source really is
 * and its measured magnitudes. Index = the order rows were written.
 */
final class PhotoIndex {
    final long[] objID;
    final double[] ra;
    final double[] dec;
    final byte[] mode;
    final byte[] type;
    final Source.Kind[] kind;
    final float[] z;
    /** modelMag u g r i z of row k at [5k … 5k+4]. */
    final float[] modelMag;
    final float[] extinctionR;
    final float[] petroR50R;
    final boolean[] early;
    final long[] specObjID;
    int size;

    PhotoIndex(int capacity) {
        objID = new long[capacity];
        ra = new double[capacity];
        dec = new double[capacity];
        mode = new byte[capacity];
        type = new byte[capacity];
        kind = new Source.Kind[capacity];
        z = new float[capacity];
        modelMag = new float[5 * capacity];
        extinctionR = new float[capacity];
        petroR50R = new float[capacity];
        early = new boolean[capacity];
        specObjID = new long[capacity];
    }

    float mag(int k, int band) {
        return modelMag[5 * k + band];
    }

    boolean primary(int k) {
        return mode[k] == 1;
    }
}
