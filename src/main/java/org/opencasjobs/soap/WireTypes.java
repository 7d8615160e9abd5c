package org.opencasjobs.soap;

import java.time.LocalDateTime;
import java.util.List;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.wire.ArrayOfCJJob;
import org.opencasjobs.wire.ArrayOfCJQueue;
import org.opencasjobs.wire.ArrayOfCJType;
import org.opencasjobs.wire.ArrayOfJob;
import org.opencasjobs.wire.CJJob;
import org.opencasjobs.wire.CJQueue;
import org.opencasjobs.wire.CJType;

/** Domain records → the generated wire types, with the serialisation rules clients rely on. */
final class WireTypes {
    /** What .NET writes for a DateTime that was never set (DateTime.MinValue). */
    private static final String UNSET_TIME = "0001-01-01T00:00:00";
    private static final DatatypeFactory DATATYPES;
    static {
        try {
            DATATYPES = DatatypeFactory.newInstance();
        } catch (DatatypeConfigurationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private WireTypes() {
    }

    /** Server-local time without a zone, fraction only when non-zero (at most 7 digits), like .NET. */
    static XMLGregorianCalendar time(LocalDateTime t) {
        if (t == null) {
            return DATATYPES.newXMLGregorianCalendar(UNSET_TIME);
        }
        String s = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond());
        int hundredNanos = t.getNano() / 100;
        if (hundredNanos != 0) {
            s += ("." + String.format("%07d", hundredNanos)).replaceAll("0+$", "");
        }
        return DATATYPES.newXMLGregorianCalendar(s);
    }

    static ArrayOfCJJob cjJobs(List<Job> jobs) {
        ArrayOfCJJob out = new ArrayOfCJJob();
        for (Job j : jobs) {
            CJJob w = new CJJob();
            w.setJobID(j.jobId());
            w.setRows(j.rows());
            w.setWebServicesID(j.wsid());
            w.setTimeSubmit(time(j.timeSubmit()));
            w.setTimeStart(time(j.timeStart()));
            w.setTimeEnd(time(j.timeEnd()));
            w.setStatus(j.status().code);
            w.setQueue(j.queueMinutes());
            w.setTaskName(j.taskName());
            w.setOutputLoc(j.outputLoc());
            w.setError(j.error());
            w.setQuery(j.query());
            w.setContext(j.context());
            w.setType(j.type());
            out.getCJJob().add(w);
        }
        return out;
    }

    static ArrayOfJob jobs(List<Job> jobs) {
        ArrayOfJob out = new ArrayOfJob();
        for (Job j : jobs) {
            org.opencasjobs.wire.Job w = new org.opencasjobs.wire.Job();
            w.setJobID(j.jobId());
            w.setRows(j.rows());
            w.setWebServicesID(j.wsid());
            w.setTimeSubmit(time(j.timeSubmit()));
            w.setTimeStart(time(j.timeStart()));
            w.setTimeEnd(time(j.timeEnd()));
            w.setSendEmail(0);
            w.setStatus(j.status().code);
            w.setAutoComplete(0);
            w.setEstimate(j.estimate());
            w.setTaskName(j.taskName());
            w.setOutputLoc(j.outputLoc());
            w.setHostIP(j.hostIp());
            w.setMessage(j.message());
            w.setQuery(j.query());
            w.setModifiedQuery(j.modifiedQuery());
            w.setTarget(j.target());
            w.setOutputType(j.type());
            w.setParams(j.params());
            w.setCreatedTable(j.createdTable());
            out.getJob().add(w);
        }
        return out;
    }

    static ArrayOfCJQueue queues(List<Queue> queues) {
        ArrayOfCJQueue out = new ArrayOfCJQueue();
        for (Queue q : queues) {
            CJQueue w = new CJQueue();
            w.setContext(q.context());
            w.setTimeout(q.minutes());
            out.getCJQueue().add(w);
        }
        return out;
    }

    static ArrayOfCJType types(List<JobType> types) {
        ArrayOfCJType out = new ArrayOfCJType();
        for (JobType t : types) {
            CJType w = new CJType();
            w.setType(t.type());
            w.setDescription(t.description());
            out.getCJType().add(w);
        }
        return out;
    }
}
