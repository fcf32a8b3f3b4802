/**
 * A UDP echo server (Curio's `udp_echo.py`): every datagram goes back to its sender.
 *
 * Run:  node examples/dist/udp-echo.js [port] [--diagnostics]   (port 26000 by default)
 * Try:  node -e "const s=require('dgram').createSocket('udp4');s.on('message',m=>{console.log(String(m));s.close()});s.send('hello',26000,'127.0.0.1')"
 */
import { socket, AF_INET, SOCK_DGRAM } from 'curio';
import { formatAddress, serverArguments, serverMain } from './support/server-main.js';

function* udpEcho(address: [string, number]) {
  using sock = socket(AF_INET, SOCK_DGRAM);
  yield* sock.bind(address);
  console.log('Server listening at', formatAddress(sock.getsocknameInet()));
  while (true) {
    const [data, addr] = yield* sock.recvfrom(10000);
    console.log('Received from', formatAddress(addr), data);
    yield* sock.sendto(data, addr);
  }
}

const { port, diagnostics } = serverArguments('udp-echo.js [PORT] [--diagnostics]', 26000);
await serverMain(udpEcho, [['', port]], { diagnostics });
