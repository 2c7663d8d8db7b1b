// How fast can help-nb201's numbers be read on one core, written in C? A measuring prototype for
// issue 23, not part of the package (nothing builds or calls it). Reads the bundled file, skips
// nb201_index and arch_str with memchr, and reads the 27 latency columns of every row into arrays,
// 50 times per round, two ways: eight bytes at a time (SWAR, the algorithm of the Swift pass's
// `shortDecimal`), and with each field's end found first by SSE2 compares and movemask (a structural
// index). Only this file's shapes (digits[.digits], CRLF); no checks, no errors, no arch codes, so
// it bounds what a C pass could gain; both print the same checksum.
//   clang -O2 bench/prototype/help_nb201_parse.c -o /tmp/parse && /tmp/parse Sources/OneProxyKit/Resources/data/nb201_help_latency.csv
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include <emmintrin.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
static const double p10[9]={1,1e1,1e2,1e3,1e4,1e5,1e6,1e7,1e8};
static inline uint64_t eight(uint64_t x,int k){ // value of first k digits (1..8)
  uint64_t v=(x-0x3030303030303030ULL)<<(64-8*k);
  v=v*10+(v>>8);
  v=(((v&0x000000FF000000FFULL)*(100+(1000000ULL<<32)))+(((v>>16)&0x000000FF000000FFULL)*(1+(10000ULL<<32))))>>32;
  return v&0xFFFFFFFF;
}
static inline int runlen(uint64_t x){ uint64_t f=((x+0x4646464646464646ULL)|(x-0x3030303030303030ULL))&0x8080808080808080ULL; return f? __builtin_ctzll(f)>>3 : 8; }
// SWAR per field, as the Swift pass does
static long parse_swar(const uint8_t*b,long n,double**cols,int ncols){
  long i=0,r=0; while(i<n && b[i]!='\n') i++; i++;
  while(i<n){
    // field 0: int, field 1: arch string
    const uint8_t*c=memchr(b+i,',',n-i); i=c-b+1; c=memchr(b+i,',',n-i); i=c-b+1;
    for(int k=0;k<ncols;k++){
      uint64_t x; memcpy(&x,b+i,8); int a=runlen(x); uint8_t ch=(x>>(8*a))&0xFF; double v;
      if(ch=='.'){ uint64_t y; memcpy(&y,b+i+a+1,8); int f=runlen(y); uint64_t w;
        if(a+f<=8){ uint64_t low=(a? ((1ULL<<(8*a))-1):0); w=eight((x&low)|(y<<(8*a)),a+f);} else w=eight(x,a)*(uint64_t)p10[f]+eight(y,f);
        v=(double)(int64_t)w/p10[f]; i+=a+1+f; }
      else { v=(double)(int64_t)eight(x,a); i+=a; }
      cols[k][r]=v; i++; // separator
    }
    if(i<n && b[i-1]=='\r' && b[i]=='\n') i++;
    r++;
  }
  return r;
}
// SSE2 structural: separator masks per row, then numbers with known bounds
static long parse_simd(const uint8_t*b,long n,double**cols,int ncols){
  long i=0,r=0; while(i<n && b[i]!='\n') i++; i++;
  const __m128i comma=_mm_set1_epi8(','), nl=_mm_set1_epi8('\n'), cr=_mm_set1_epi8('\r'), dot=_mm_set1_epi8('.');
  while(i<n){
    const uint8_t*c=memchr(b+i,',',n-i); i=c-b+1; c=memchr(b+i,',',n-i); i=c-b+1;
    // numbers: walk 16-byte windows, field by field
    for(int k=0;k<ncols;k++){
      __m128i v=_mm_loadu_si128((const __m128i*)(b+i));
      unsigned sep=_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v,comma),_mm_cmpeq_epi8(v,nl)),_mm_cmpeq_epi8(v,cr)));
      unsigned dm=_mm_movemask_epi8(_mm_cmpeq_epi8(v,dot));
      int e=__builtin_ctz(sep|0x10000); int d=__builtin_ctz(dm|0x10000);
      uint64_t x; memcpy(&x,b+i,8); double val;
      if(d<e){ int f=e-d-1; // digits: k=d before, f after; drop the point
        uint64_t lowmask= d? ((1ULL<<(8*d))-1):0; uint64_t y; memcpy(&y,b+i+d+1,8);
        uint64_t w= (d+f<=8)? eight((x&lowmask)|(y<<(8*d)),d+f) : eight(x,d)*(uint64_t)p10[f]+eight(y,f);
        val=(double)(int64_t)w/p10[f];
      } else val=(double)(int64_t)eight(x,e);
      cols[k][r]=val; i+=e+1;
    }
    if(i<n && b[i-1]=='\r' && b[i]=='\n') i++;
    r++;
  }
  return r;
}
int main(int argc,char**argv){
  FILE*f=fopen(argv[1],"rb"); fseek(f,0,SEEK_END); long n=ftell(f); fseek(f,0,SEEK_SET); uint8_t*b=malloc(n+64); fread(b,1,n,f); memset(b+n,0,64);
  int ncols=27; double*cols[27]; for(int k=0;k<27;k++) cols[k]=malloc(sizeof(double)*16000);
  for(int round=0;round<3;round++){
    double t0=now(); long r=0; for(int j=0;j<50;j++) r=parse_swar(b,n,cols,ncols); double t1=now();
    double s1=0; for(int k=0;k<27;k++) s1+=cols[k][100]+cols[k][r-1];
    for(int j=0;j<50;j++) r=parse_simd(b,n,cols,ncols); double t2=now();
    double s2=0; for(int k=0;k<27;k++) s2+=cols[k][100]+cols[k][r-1];
    printf("rows %ld: swar %.3f ms, simd %.3f ms (check %.6f %.6f)\n",r,(t1-t0)/50,(t2-t1)/50,s1,s2);
  }
}
