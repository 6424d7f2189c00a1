-- What tests/tp.sh asks trace_processor of every trace: the stats that
-- say data was refused or lost, then every slice with its place: thread
-- (tid, name), process (pid, name) of its thread or process track, and
-- the track's name. Strings go in hex ('N' for NULL): names may hold
-- quotes and commas that the shell's CSV does not escape.
select 'stat' as k, hex(name || coalesce('[' || idx || ']', '')) as name,
       severity as ts, value as dur, 0 as depth, null as tid, null as pid,
       'N' as tname, 'N' as pname, 'N' as trname
from stats where value > 0 and severity in ('error', 'data_loss')
union all
select 'slice', coalesce(hex(s.name), 'N'), s.ts, s.dur, s.depth, t.tid,
       coalesce(p.pid, p2.pid), coalesce(hex(t.name), 'N'),
       coalesce(hex(coalesce(p.name, p2.name)), 'N'),
       coalesce(hex(tr.name), 'N')
from slice s
join track tr on s.track_id = tr.id
left join thread_track tt on s.track_id = tt.id
left join thread t using (utid)
left join process p on p.upid = t.upid
left join process_track pt on s.track_id = pt.id
left join process p2 on p2.upid = pt.upid;
