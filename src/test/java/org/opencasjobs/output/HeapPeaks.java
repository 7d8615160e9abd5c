package org.opencasjobs.output;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** The heap's peak use between two points of a measuring child JVM (the extract-memory mains). */
final class HeapPeaks {
    private HeapPeaks() {
    }

    /** Collects, then starts counting peaks afresh. */
    static void reset() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** Sum of the heap pools' peak use since the last reset, in MiB (an upper bound on live data). */
    static long mb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / 1048576;
    }
}
