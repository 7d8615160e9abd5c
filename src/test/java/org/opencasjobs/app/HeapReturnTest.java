package org.opencasjobs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JVM is told to give back heap it no longer needs, except where its command line said otherwise. */
class HeapReturnTest {
    @Test
    void flagsTheCommandLineLeftAtTheirDefaultsAreSet() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        HeapReturn.apply();
        for (Map.Entry<String, String> flag : HeapReturn.FLAGS.entrySet()) {
            VMOption now = vm.getVMOption(flag.getKey());
            if (now.getOrigin() == VMOption.Origin.VM_CREATION) {
                continue; // the test JVM's own command line chose it: left alone
            }
            assertEquals(flag.getValue(), now.getValue(), flag.getKey());
        }
    }
}
