-- What tests/tp.sh asks trace_processor of every trace: the stats that
-- say data was refused or lost, then every slice with its place: thread
-- (tid, name), process (pid, name) of its thread or process track, and
-- the track's name.
select 'stat' as k, name || coalesce('[' || idx || ']', '') as name,
       severity as ts, value as dur, 0 as depth, null as tid, null as pid,
       null as tname, null as pname, null as trname
from stats where value > 0 and severity in ('error', 'data_loss')
union all
select 'slice', s.name, s.ts, s.dur, s.depth, t.tid,
       coalesce(p.pid, p2.pid), t.name, coalesce(p.name, p2.name), tr.name
from slice s
join track tr on s.track_id = tr.id
left join thread_track tt on s.track_id = tt.id
left join thread t using (utid)
left join process p on p.upid = t.upid
left join process_track pt on s.track_id = pt.id
left join process p2 on p2.upid = pt.upid;
