/* `tscprobe sim`: the probe's own flow on a simulated machine described by a scenario file. */
#ifndef TSCPROBE_SIMULATE_H
#define TSCPROBE_SIMULATE_H

/* tscprobe sim SCENARIO.json [--json F] [--text F] [--window S] [--edge-window S] [--seed N] [--no-idle]
 *                [--watch DURATION [--watch-interval S] [--watch-busy] [--csv F]] */
int simulate_command(int argc, char **argv);

#endif
