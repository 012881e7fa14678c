import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
const pg = new PGlite();
let t0=Date.now();
await pg.exec(readFileSync('server/db/migrations/0001_init.sql','utf8'));
console.log('init', Date.now()-t0);
await pg.query('insert into residents(id,name,tags) values ($1,$2,$3),($4,$5,$6)', ['a','x',['vip','elderly'],'b','y',[]]);
console.log((await pg.query('select * from residents')).rows);
await pg.query("insert into teams values('cs','a','b')");
await pg.query("insert into users(id,username,name,role,password_hash) values('00000000-0000-4000-8000-000000000000','u','n','agent','x')");
await pg.query("insert into tickets(id,type,category,channel,priority,status,title,created_at,updated_at) values('00000000-0000-4000-8000-000000000000','repair','x','phone',2,'new','t',now(),now())");
t0=Date.now();
const N=4000, C=7; const params=[]; const vals=[];
for(let i=0;i<N;i++){const b=i*C;vals.push(`($${b+1},$${b+2},$${b+3},$${b+4},$${b+5},$${b+6},$${b+7})`);
params.push(`00000000-0000-4000-8000-${String(i).padStart(12,'0')}`,'00000000-0000-4000-8000-000000000000','status','已联系业主，约定明天上门', JSON.stringify({from:'new',to:'accepted'}), null, new Date(1700000000000+i*1000).toISOString());}
await pg.query('insert into ticket_events(id,ticket_id,kind,body,data,author_id,created_at) values '+vals.join(','), params);
console.log(N+' events rows', Date.now()-t0);
console.log((await pg.query('select data, created_at from ticket_events limit 1')).rows);
