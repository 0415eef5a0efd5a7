#!/bin/sh
# /init of scripts/kernel-check/notifier-check: a memory notifier refuses MEM_GOING_ONLINE, then MEM_GOING_OFFLINE.
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /sys/kernel/tracing; mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
exec 0</dev/console 1>/dev/console 2>&1
T=/sys/kernel/tracing
M=/sys/devices/system/memory
echo "== uname $(uname -r)"
insmod /lib/notifier-error-inject.ko && insmod /lib/memory-notifier-error-inject.ko && echo "== modules loaded"
ls /sys/kernel/debug/notifier-error-inject/memory/actions/
for f in memory_block_online online_pages move_pfn_range_to_zone memory_notify remove_pfn_range_from_zone shrink_zone_span undo_isolate_page_range online_pages_range node_states_set_node build_all_zonelists init_per_zone_wmark_min kswapd_run kcompactd_run offline_pages memory_block_offline notifier_err_inject_callback; do grep -q "^$f\b" $T/available_filter_functions && echo $f >> /tmp/filter; done
echo "== traced $(tr '\n' ' ' < /tmp/filter)"; cat /tmp/filter > $T/set_ftrace_filter; echo function > $T/current_tracer; echo 0 > $T/tracing_on
B=$(ls -d $M/memory* | sort -V | tail -2 | head -1); echo "== block $B state $(cat $B/state) valid_zones $(cat $B/valid_zones)"
awk '/zone +Movable/ { m = 1 } m && $1 == "spanned" { s = $2 } m && $1 == "start_pfn:" { print "== Movable start_pfn " $2 " spanned " s; m = 0 }' /proc/zoneinfo
dmesg -c > /dev/null
echo offline > $B/state; echo "== offline rc=$? state $(cat $B/state) valid_zones $(cat $B/valid_zones)"
awk '/zone +Movable/ { m = 1 } m && $1 == "spanned" { s = $2 } m && $1 == "start_pfn:" { print "== Movable start_pfn " $2 " spanned " s; m = 0 }' /proc/zoneinfo
dmesg -c
echo -12 > /sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_ONLINE/error
echo > $T/trace; echo 1 > $T/tracing_on
echo online_movable > $B/state; echo "== online with MEM_GOING_ONLINE=-12 rc=$? state $(cat $B/state) valid_zones $(cat $B/valid_zones)"
echo 0 > $T/tracing_on
echo "== dmesg"; dmesg -c
echo "== trace"; grep -v "^#" $T/trace | sed 's/^ *[^ ]* *\[[0-9]*\] [^ ]* *[0-9.]*: //'
awk '/zone +Movable/ { m = 1 } m && $1 == "spanned" { s = $2 } m && $1 == "start_pfn:" { print "== Movable start_pfn " $2 " spanned " s; m = 0 }' /proc/zoneinfo
echo 0 > /sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_ONLINE/error
echo > $T/trace; echo 1 > $T/tracing_on
echo online_movable > $B/state; echo "== online again rc=$? state $(cat $B/state) valid_zones $(cat $B/valid_zones)"
echo 0 > $T/tracing_on
echo "== dmesg"; dmesg -c
echo "== trace"; grep -v "^#" $T/trace | sed 's/^ *[^ ]* *\[[0-9]*\] [^ ]* *[0-9.]*: //'
echo -16 > /sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error
echo offline > $B/state; echo "== offline with MEM_GOING_OFFLINE=-16 rc=$? state $(cat $B/state)"
echo "== dmesg"; dmesg -c
echo "== end"
poweroff -f
