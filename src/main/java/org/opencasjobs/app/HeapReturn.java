package org.opencasjobs.app;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the JVM give back heap it no longer needs, unless the operator chose these flags on the
 * command line. With the JVM's defaults, G1 grows the heap toward a quarter of the machine's memory
 * under a burst of garbage (first queries of many accounts: each provisions a MyDB) and keeps it
 * committed: bench/ saw 5.4 GB of RSS for 0.4 GB of live heap, and after a collection with the
 * ratios below, 0.7 GB. The flags are "manageable": they may be changed while the JVM runs.
 */
final class HeapReturn {
    private static final Logger LOG = LoggerFactory.getLogger(HeapReturn.class);
    /**
     * In this order: MinHeapFreeRatio first, as MaxHeapFreeRatio may not go below it. Free heap
     * after a collection kept between 10 % and 30 % (defaults 40 % and 70 %); a concurrent cycle
     * once a minute when no collection ran (default never), so an idle server shrinks too.
     */
    static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("MinHeapFreeRatio", "10");
        FLAGS.put("MaxHeapFreeRatio", "30");
        FLAGS.put("G1PeriodicGCInterval", "60000");
    }

    private HeapReturn() {
    }

    /** Sets each flag the command line left at its default; a JVM without one is left as it is. */
    static void apply() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (vm == null) {
            return;
        }
        for (Map.Entry<String, String> flag : FLAGS.entrySet()) {
            try {
                VMOption now = vm.getVMOption(flag.getKey());
                if (now.getOrigin() == VMOption.Origin.DEFAULT || now.getOrigin() == VMOption.Origin.ERGONOMIC) {
                    vm.setVMOption(flag.getKey(), flag.getValue());
                }
            } catch (IllegalArgumentException | SecurityException e) {
                // another JVM or collector, or a value the operator's own flags rule out
                LOG.debug("left the JVM flag {} as it is: {}", flag.getKey(), e.toString());
            }
        }
    }
}
