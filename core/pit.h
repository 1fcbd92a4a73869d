/* The 8254 PIT's ports and port 0x61's bits (Intel 8254 datasheet; IBM PC/AT), named once for the driver, the simulator and the tests. */
#ifndef TSCPROBE_PIT_H
#define TSCPROBE_PIT_H

#define PIT_CHANNEL0_PORT 0x40 /* channel n at 0x40 + n */
#define PIT_CHANNEL2_PORT 0x42
#define PIT_CONTROL_PORT 0x43

/* Port 0x61, PC/AT system control port B: bits 3:0 are written, bits 5:4 read back the hardware. */
#define PORT_61 0x61
#define PORT_61_GATE2 0x01u   /* channel 2's gate */
#define PORT_61_SPEAKER 0x02u /* channel 2's output to the speaker */
#define PORT_61_REFRESH 0x10u /* toggles with every DRAM refresh request */
#define PORT_61_OUT2 0x20u    /* channel 2's output */

#endif
