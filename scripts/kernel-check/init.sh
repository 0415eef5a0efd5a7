#!/bin/sh
# /init of the qemu guest of memtop's real-kernel check (scripts/kernel-check/run).
#
# Loads the machine with the workload, then for every memory block: captures the state just before
# the attempt (memtop capture's layout), writes "offline" to the block's state for real (bounded by a
# SIGALRM timeout), records what the kernel did (errno, elapsed time, vmstat before/after, the dmesg
# lines and the function trace of the attempt), and onlines the block again when it went offline.
#
# Everything leaves the guest on the second serial port (/dev/ttyS1) as
#     @@FILE <relative path>
#     <base64 of the gzip-compressed file>
#     @@END <relative path>
# so nothing is kept in the guest's memory, which is what is being measured.
# Parameters come from the kernel command line: mt.<name>=<value>.

export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec 0</dev/console 1>/dev/console 2>&1
mkdir -p /tmp /sys/kernel/tracing
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

param() { # name default
    v=$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^mt\.$1=//p" | tail -1)
    echo "${v:-$2}"
}
say() { echo "kernel-check: $*" > /dev/console; }
finish() { say "$1"; echo "@@DONE $1" > "$OUT"; sync; poweroff -f; sleep 10; }

OUT=/dev/ttyS1
stty -F "$OUT" 115200 raw -echo 2>/dev/null
emit() { # relpath (content on stdin)
    { echo "@@FILE $1"; gzip -1 | base64; echo "@@END $1"; } > "$OUT"
}
emit_file() { # relpath file
    emit "$1" < "$2"
}

TIMEOUT=$(param timeout 20)
M=/sys/devices/system/memory
T=/sys/kernel/tracing

# --- load --------------------------------------------------------------------------------------
/bin/workload load --thp "$(param thp 0)" --nothp "$(param nothp 0)" --shmem "$(param shmem 0)" \
    --mlock "$(param mlock 0)" --files "$(param files 0)" --file-kib "$(param filekib 4)" \
    > /tmp/workload.out 2>&1 &
WL=$!
i=0
until grep -q '^ready' /tmp/workload.out 2>/dev/null; do
    if ! kill -0 $WL 2>/dev/null; then
        cat /tmp/workload.out > /dev/console
        finish "workload-failed"
    fi
    sleep 1
    i=$((i + 1))
done
say "$(cat /tmp/workload.out) after ${i}s"
cat /tmp/workload.out | emit guest/workload.txt
uname -r | emit guest/kernel-release
cat /proc/cmdline | emit guest/cmdline
cat /proc/meminfo | emit guest/meminfo-loaded

# --- ftrace (issue 15): the traceable hot-plug and migration functions, and mm_migrate_pages ----
if [ -r $T/available_filter_functions ]; then
    # Names may carry a module or an .isra/.constprop suffix; match the plain name only.
    sed 's/ .*//' $T/available_filter_functions | sort -u > /tmp/available
    : > /tmp/traced
    : > /tmp/untraceable
    : > /tmp/filter
    for f in $(grep -v '^#' /etc/trace-functions); do
        # A compiler-made copy (.isra.0, .constprop.0, .part.0) still says when the function ran.
        if grep -E "^$f(\.[a-z]+\.[0-9]+)*\$" /tmp/available >> /tmp/filter; then
            echo "$f" >> /tmp/traced
        else
            echo "$f" >> /tmp/untraceable
        fi
    done
    echo nop > $T/current_tracer
    if [ -s /tmp/filter ]; then
        # An empty filter would trace every function in the kernel: only set the tracer with one.
        cat /tmp/filter > $T/set_ftrace_filter
        echo function > $T/current_tracer
    fi
    echo 1 > $T/events/migrate/mm_migrate_pages/enable 2>/dev/null || echo "mm_migrate_pages" >> /tmp/untraceable
    echo 0 > $T/tracing_on
    echo 4096 > $T/buffer_size_kb
    emit_file guest/trace-traced.txt /tmp/traced
    emit_file guest/trace-filter.txt /tmp/filter
    emit_file guest/trace-untraceable.txt /tmp/untraceable
    TRACE=1
else
    say "no tracefs: attempts are not traced"
    TRACE=0
fi

# --- one block ---------------------------------------------------------------------------------
capture() { # relpath-prefix
    S=/tmp/stage
    rm -rf $S
    mkdir -p $S/proc $S$M
    for f in zoneinfo buddyinfo pagetypeinfo vmstat meminfo iomem; do cat /proc/$f > $S/proc/$f; done
    uname -r > $S/proc/kernel-release
    cat $M/block_size_bytes > $S$M/block_size_bytes
    cat $M/auto_online_blocks > $S$M/auto_online_blocks
    for b in $M/memory[0-9]*; do
        d=$S$M/${b##*/}
        mkdir -p "$d"
        for f in state online phys_index phys_device removable valid_zones; do
            [ -r "$b/$f" ] && cat "$b/$f" > "$d/$f" 2>/dev/null
        done
        for nl in "$b"/node[0-9]*; do [ -e "$nl" ] && : > "$d/${nl##*/}"; done
    done
    tar -C $S -cf - . | emit "$1.tar"
    rm -rf $S
    dd if=/proc/kpageflags bs=65536 2>/dev/null | emit "$1/proc/kpageflags"
    dd if=/proc/kpagecount bs=65536 2>/dev/null | emit "$1/proc/kpagecount"
}

blocks=$(ls $M | sed -n 's/^memory\([0-9][0-9]*\)$/\1/p' | sort -n)
emit guest/blocks.txt <<EOF
$blocks
EOF
for n in $blocks; do
    B=$M/memory$n
    R=blocks/memory$n
    zone_before=$(cat $B/valid_zones)
    state_before=$(cat $B/state)
    say "memory$n: $state_before $zone_before"
    capture "$R/capture"
    dmesg -c > /dev/null
    if [ $TRACE = 1 ]; then echo > $T/trace; echo 1 > $T/tracing_on; fi
    /bin/workload attempt $B/state offline "$TIMEOUT" /tmp/attempt > /tmp/attempt.txt 2>&1
    if [ $TRACE = 1 ]; then echo 0 > $T/tracing_on; cat $T/trace > /tmp/ftrace.txt; fi
    dmesg -c > /tmp/dmesg.txt
    echo "state_after=$(cat $B/state)" >> /tmp/attempt.txt
    echo "valid_zones_after=$(cat $B/valid_zones)" >> /tmp/attempt.txt
    say "memory$n: $(head -1 /tmp/attempt.txt)"
    emit_file $R/attempt.txt /tmp/attempt.txt
    emit_file $R/vmstat-before /tmp/attempt.vmstat-before
    emit_file $R/vmstat-after /tmp/attempt.vmstat-after
    emit_file $R/dmesg.txt /tmp/dmesg.txt
    [ $TRACE = 1 ] && emit_file $R/ftrace.txt /tmp/ftrace.txt
    if [ "$(cat $B/state)" = offline ]; then
        case "$zone_before" in Movable) how=online_movable ;; *) how=online ;; esac
        /bin/workload attempt $B/state $how 120 /tmp/online > /tmp/online.txt 2>&1
        echo "how=$how" >> /tmp/online.txt
        echo "state_after=$(cat $B/state)" >> /tmp/online.txt
        echo "valid_zones_after=$(cat $B/valid_zones)" >> /tmp/online.txt
        dmesg -c >> /tmp/online.txt
        emit_file $R/online.txt /tmp/online.txt
    fi
    rm -f /tmp/attempt.* /tmp/online.* /tmp/dmesg.txt /tmp/ftrace.txt
done
finish "ok"
