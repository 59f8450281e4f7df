# Plots for docs/benchmarks.md from bench/compare's data (milliseconds, "?" = not measured):
#   gnuplot -e "datadir='bench/results'; outdir='docs'" bench/compare.gp
if (!exists("datadir")) datadir = "bench/results"
if (!exists("outdir")) outdir = "docs"
set datafile missing "?"
set terminal pngcairo size 1200,650 font "sans,11" noenhanced

# 1. Time per operation by tool, at the table size (clustered bars, log scale).
set output outdir."/benchmarks-tools.png"
set title "Time per operation by tool (hyperfine median, log scale; missing bar = not available)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [0.5:*]
set ylabel "milliseconds"
set grid ytics mytics
set key outside right top vertical
set xtics ("read one" 0, "exec /bin/true, 20 secrets" 1, "list" 2, "write one" 3)
plot for [c=2:10] datadir."/cmp-tools.dat" using c title columnheader(c)

# 2. vaultx get / ls / exec / set against store size (log-log).
reset
set datafile missing "?"
set output outdir."/benchmarks-scaling.png"
set title "vaultx against store size (hyperfine median; minimum KDF, then identity and agent where built)"
set logscale xy
set xlabel "secrets in the store"
set ylabel "milliseconds"
set grid xtics ytics mytics
set key outside right top vertical
set format x "%.0s%c"
plot for [c=2:13] datadir."/cmp-scaling.dat" using 1:c with linespoints lw 2 pt 7 title columnheader(c)
