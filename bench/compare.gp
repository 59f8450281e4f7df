# Plots for docs/benchmarks.md from bench/compare's data (milliseconds, "?" = not measured):
#   gnuplot -e "datadir='bench/results'; outdir='docs'" bench/compare.gp
if (!exists("datadir")) datadir = "bench/results"
if (!exists("outdir")) outdir = "docs"
set datafile missing "?"
set terminal pngcairo size 1300,1000 font "sans,11" noenhanced
# One colour per tool, the same in both panels (vaultx in greens/blues, peers in warm colours).
array colours[9] = ["#1b7837", "#5aae61", "#2166ac", "#67a9cf", "#f1a340", "#b2182b", "#e08214", "#8073ac", "#404040"]

# 1. Time per operation by tool, at the table size: wall median (top) and CPU time (bottom), log scale.
set output outdir."/benchmarks-tools.png"
set multiplot layout 2,1
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set logscale y
set yrange [0.5:*]
set ylabel "milliseconds (log)"
set grid ytics mytics
set key outside right top vertical
set xtics ("read one" 0, "exec /bin/true, 20 secrets" 1, "list" 2, "write one" 3)
set title "Wall time, hyperfine median (shared, loaded 2-core VM; no bar = not available / not built)"
plot for [c=2:10] datadir."/cmp-tools.dat" using c title columnheader(c) lc rgb colours[c-1]
set title "CPU time, user + system (less sensitive to the load)"
plot for [c=2:10] datadir."/cmp-tools-cpu.dat" using c title columnheader(c) lc rgb colours[c-1]
unset multiplot

# 2. vaultx get / ls / exec / set against store size (log-log): CPU time solid, wall median dashed.
reset
set datafile missing "?"
set terminal pngcairo size 1200,700 font "sans,11" noenhanced
set output outdir."/benchmarks-scaling.png"
set title "vaultx against store size: CPU time (solid) and wall median (dashed); minimum KDF, identity and agent where built"
set logscale xy
set xlabel "secrets in the store"
set ylabel "milliseconds (log)"
set grid xtics ytics mytics
set key outside right top vertical
set xtics (20, 100, 1000, 10000, 100000)
array sc[4] = ["#1b7837", "#2166ac", "#b2182b", "#e08214"]
plot for [c=2:13] datadir."/cmp-scaling.dat" using 1:c with linespoints lw 2 pt 7 lc rgb sc[(c-2)%4+1] \
       title columnheader(c), \
     for [c=14:25] datadir."/cmp-scaling.dat" using 1:c with linespoints lw 1 dt 2 pt 6 lc rgb sc[(c-14)%4+1] \
       notitle
