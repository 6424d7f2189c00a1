-- What tests/tp.sh asks trace_processor of every trace: the stats that
-- say data was refused or lost, then every slice with its thread.
select 'stat' as k, name || coalesce('[' || idx || ']', '') as name,
       severity as ts, value as dur, 0 as depth, null as tid, null as pid
from stats where value > 0 and severity in ('error', 'data_loss')
union all
select 'slice', s.name, s.ts, s.dur, s.depth, t.tid, p.pid
from slice s
left join thread_track tt on s.track_id = tt.id
left join thread t using (utid)
left join process p using (upid);
