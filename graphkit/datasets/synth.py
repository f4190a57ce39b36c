"""Synthetic South Sumatra scenarios with planted typologies, innocent look-alikes and ground truth.

:func:`synth` builds the eight input tables of the data contract for a fictional population of
foreign nationals in South Sumatra (Palembang, Prabumulih, Muara Enim, Baturaja, Lubuklinggau,
Banyuasin, Lahat, Pagar Alam, Ogan Ilir): tourists and business visitors who arrive and leave,
workers on limited-stay work permits sponsored by their employer, spouses and children sponsored by
individuals, students, permanent residents. Into it it plants the six typologies graphkit looks for
(visit-permit workforces, sponsor mills, address hotspots, overstayers, shell networks, people with
no lawful entry), their innocent look-alikes (big contractors, hotels, family sponsors, travel
agents, universities, company dormitories, expired-but-departed, recently expired, renewed
passports), the messiness of real source systems (one human under several person rows, every
employer also a sponsor under another id and spelling, one place under several address ids, enum
values in odd case) and a known number of bad rows per table and reject reason. Everything planted
is listed in ``Scenario.truth`` by source id (``table:id``), grouped per real-world entity.
:func:`write_scenario` writes the tables as CSV or Parquet and the truth as JSON beside the folder.

All randomness comes from one ``numpy.random.Generator(PCG64(seed))`` drawn in a fixed order, so a
seed gives byte-identical files. Nationality, sex and birth date are drawn for every human before
any role is assigned and are never read again: by construction they are independent of every
planted label.

Examples
--------
>>> scenario = synth(1000, seed=1)
>>> sorted(scenario.tables)
['addresses', 'employers', 'employment', 'movements', 'permits', 'persons', 'residences', 'sponsors']
>>> employer, twin = scenario.truth["typologies"]["visit_workforce"][0]  # one company, two source rows
>>> employer.split(":")[0], twin.split(":")[0]
('employers', 'sponsors')
>>> sorted(scenario.truth["bad_rows"]["movements"])
['bad_enum', 'bad_type', 'duplicate_key', 'missing_required', 'unknown_reference']
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

SCHEMA_VERSION = "1"
DEFAULT_AS_OF = datetime.date(2026, 11, 1)
MIN_PERSONS = 1000

COLUMNS = {
    "persons": ["person_id", "full_name", "sex", "birth_date", "nationality", "passport_no", "passport_country"],
    "permits": ["permit_id", "person_id", "permit_type", "purpose", "sponsor_id", "issued_on", "expires_on", "office"],
    "sponsors": ["sponsor_id", "sponsor_type", "name", "registration_no", "address_id", "phone"],
    "employers": ["employer_id", "name", "registration_no", "sector", "address_id", "phone"],
    "employment": ["person_id", "employer_id", "source", "start_date", "end_date", "role"],
    "addresses": ["address_id", "line", "village", "district", "city", "province", "postal_code", "latitude",
                  "longitude"],
    "residences": ["person_id", "address_id", "reported_on", "source"],
    "movements": ["person_id", "direction", "date", "port"],
}

_NA = np.iinfo(np.int64).min  # a missing date
_EPOCH = np.datetime64("1970-01-01", "D")
_YEAR = 365

# --------------------------------------------------------------------------------------------
# The world: reference data
# --------------------------------------------------------------------------------------------

# name, latitude, longitude, phone area code, NIK regency code, immigration office, share of people
_CITIES = (
    ("Palembang", -2.9761, 104.7754, "0711", "1671", 0, 0.52),
    ("Prabumulih", -3.4326, 104.2353, "0713", "1672", 0, 0.06),
    ("Muara Enim", -3.6569, 103.7707, "0734", "1603", 1, 0.10),
    ("Baturaja", -4.1291, 104.1664, "0735", "1601", 1, 0.05),
    ("Lubuklinggau", -3.2967, 102.8617, "0733", "1674", 1, 0.05),
    ("Banyuasin", -2.8833, 104.3833, "0711", "1607", 0, 0.07),
    ("Lahat", -3.7856, 103.5428, "0731", "1604", 1, 0.06),
    ("Pagar Alam", -4.0217, 103.2524, "0730", "1673", 1, 0.03),
    ("Ogan Ilir", -3.2167, 104.6500, "0711", "1610", 0, 0.06),
)
_CITY_P = np.array([c[6] for c in _CITIES]) / sum(c[6] for c in _CITIES)
_PROVINCE = "Sumatera Selatan"
# (city, district, village, postal code)
_VILLAGES = (
    (0, "Ilir Barat I", "Bukit Lama", "30139"), (0, "Ilir Barat I", "Lorok Pakjo", "30137"),
    (0, "Ilir Barat I", "Demang Lebar Daun", "30137"), (0, "Ilir Timur I", "Sungai Pangeran", "30127"),
    (0, "Ilir Timur I", "20 Ilir D IV", "30129"), (0, "Ilir Timur II", "2 Ilir", "30118"),
    (0, "Bukit Kecil", "26 Ilir", "30131"), (0, "Kemuning", "Sekip Jaya", "30126"),
    (0, "Kemuning", "Pipa Reja", "30127"), (0, "Sukarami", "Talang Betutu", "30155"),
    (0, "Sukarami", "Kebun Bunga", "30152"), (0, "Kalidoni", "Sei Selayur", "30119"),
    (0, "Seberang Ulu I", "15 Ulu", "30257"), (0, "Plaju", "Plaju Ulu", "30266"),
    (0, "Sako", "Sialang", "30163"), (0, "Alang-Alang Lebar", "Talang Kelapa", "30154"),
    (0, "Gandus", "Pulokerto", "30149"), (0, "Kertapati", "Kemang Agung", "30258"),
    (1, "Prabumulih Barat", "Gunung Ibul", "31121"), (1, "Prabumulih Timur", "Prabujaya", "31111"),
    (1, "Prabumulih Utara", "Muara Dua", "31113"), (1, "Cambai", "Cambai", "31141"),
    (1, "Prabumulih Selatan", "Sukaraja", "31124"),
    (2, "Muara Enim", "Pasar I", "31311"), (2, "Muara Enim", "Air Lintang", "31314"),
    (2, "Lawang Kidul", "Tanjung Enim", "31711"), (2, "Lawang Kidul", "Keban Agung", "31712"),
    (2, "Gunung Megang", "Gunung Megang Dalam", "31352"),
    (3, "Baturaja Timur", "Sukaraya", "32111"), (3, "Baturaja Timur", "Kemalaraja", "32112"),
    (3, "Baturaja Barat", "Air Paoh", "32121"), (3, "Baturaja Barat", "Sukajadi", "32122"),
    (4, "Lubuklinggau Barat I", "Pasar Permiri", "31625"), (4, "Lubuklinggau Timur I", "Taba Jemekeh", "31611"),
    (4, "Lubuklinggau Timur II", "Air Kuti", "31626"), (4, "Lubuklinggau Utara II", "Petanang Ilir", "31628"),
    (5, "Banyuasin III", "Pangkalan Balai", "30753"), (5, "Banyuasin III", "Kayuara Kuning", "30753"),
    (5, "Talang Kelapa", "Sukajadi", "30961"), (5, "Betung", "Betung", "30758"),
    (6, "Lahat", "Pasar Lama", "31411"), (6, "Lahat", "Bandar Jaya", "31414"),
    (6, "Merapi Barat", "Merapi", "31471"), (6, "Kikim Timur", "Bungamas", "31452"),
    (7, "Pagar Alam Utara", "Pagar Alam", "31512"), (7, "Pagar Alam Selatan", "Dempo Makmur", "31525"),
    (7, "Dempo Utara", "Jokoh", "31521"),
    (8, "Indralaya", "Indralaya Raya", "30862"), (8, "Indralaya Utara", "Timbangan", "30662"),
    (8, "Tanjung Raja", "Tanjung Raja", "30661"), (8, "Pemulutan", "Pemulutan", "30653"),
)
_VILLAGE_CITY = np.array([v[0] for v in _VILLAGES])
_STREETS = (
    "Jenderal Sudirman", "Kapten A. Rivai", "Demang Lebar Daun", "Angkatan 45", "Basuki Rahmat", "Veteran",
    "Merdeka", "Kolonel Atmo", "Letkol Iskandar", "R. Sukamto", "Mayor Ruslan", "POM IX", "Srijaya Negara",
    "Residen Abdul Rozak", "Soekarno-Hatta", "Ahmad Yani", "Diponegoro", "Gatot Subroto", "MP Mangkunegara",
    "Perindustrian", "Pramuka", "Kartini", "Cut Nyak Dien", "Padang Selasa", "Macan Lindungan", "Kebun Bunga",
    "Sultan Mahmud Badaruddin", "Bangau", "Rajawali", "Mawar", "Kolonel H. Burlian", "Tanjung Sari",
    "Talang Jambe", "Sapta Marga", "Bambang Utoyo", "Siaran", "Pangeran Ratu", "Lunjuk Jaya", "Jaksa Agung",
    "Mayjen Yusuf Singadekane",
)
_HIGHWAYS = (
    "Lintas Sumatera", "Palembang-Prabumulih", "Palembang-Betung", "Raya Muara Enim-Lahat",
    "Tanjung Enim-Baturaja", "Lintas Tengah Sumatera", "Palembang-Indralaya", "Tanjung Api-Api",
)
_GANGS = (
    "Mawar", "Melati", "Kenanga", "Anggrek", "Flamboyan", "Cempaka", "Dahlia", "Kamboja", "Teratai",
    "Bougenville", "Rambutan", "Durian", "Manggis", "Duku", "Nangka", "Swadaya", "Bersama", "Sepakat",
    "Keluarga", "Harapan",
)
_PORTS = ("Bandara Sultan Mahmud Badaruddin II", "Bandara Soekarno-Hatta", "Pelabuhan Boom Baru",
          "Pelabuhan Tanjung Api-Api")
_PORT_P = np.array([0.74, 0.16, 0.06, 0.04])
_OFFICES = ("Kantor Imigrasi Palembang", "Kantor Imigrasi Muara Enim", "Kantor Imigrasi Soekarno-Hatta")
_PORT_OFFICE = np.array([0, 2, 0, 0])
_CITY_OFFICE = np.array([c[5] for c in _CITIES])
_UNIVERSITIES = (
    ("Universitas Sriwijaya", 8), ("Universitas Islam Negeri Raden Fatah Palembang", 0),
    ("Universitas Muhammadiyah Palembang", 0), ("Politeknik Negeri Sriwijaya", 0), ("Universitas Bina Darma", 0),
    ("Universitas PGRI Palembang", 0), ("Universitas Tridinanti", 0), ("Universitas Katolik Musi Charitas", 0),
    ("Universitas Indo Global Mandiri", 0), ("Universitas Baturaja", 3),
)
# Indonesian business words: company names are A B [C]; none of them is a legal-form token
_WORDS_A = (
    "Sinar", "Mitra", "Karya", "Bumi", "Putra", "Sumber", "Cahaya", "Bintang", "Surya", "Mega", "Multi", "Tunas",
    "Graha", "Buana", "Citra", "Duta", "Eka", "Indah", "Inti", "Sarana", "Prima", "Cipta", "Harapan", "Berkah",
    "Mulia", "Anugerah", "Panca", "Tri", "Dwi", "Catur", "Sentral", "Artha", "Griya", "Lintas", "Samudra", "Nusa",
    "Bukit", "Tirta", "Wahana", "Dharma", "Kurnia", "Pilar", "Permata", "Rajawali", "Garuda", "Bahtera", "Sakti",
    "Delta",
)
_WORDS_B = (
    "Jaya", "Makmur", "Sejahtera", "Abadi", "Sentosa", "Mandiri", "Perkasa", "Utama", "Lestari", "Gemilang",
    "Nusantara", "Sriwijaya", "Musi", "Andalas", "Persada", "Raya", "Agung", "Kencana", "Baru", "Bersama",
    "Semesta", "Energi", "Teknik", "Konstruksi", "Logistik", "Tambang", "Sawit", "Batubara", "Engineering",
    "Industri", "Niaga", "Global", "Internasional", "Indonesia", "Power", "Resources", "Mining", "Plantation",
    "Agro", "Petro", "Solusi", "Kreasi", "Pratama", "Santosa", "Wijaya", "Cemerlang", "Anugrah", "Dinamika",
)
_WORDS_C = (
    "", "Abadi", "Sejahtera", "Mandiri", "Utama", "Perkasa", "Indonesia", "Nusantara", "Group", "Lestari",
    "Makmur", "Sentosa", "Prima", "Raya", "Persada", "Gemilang", "Internasional", "Teknindo", "Megah", "Cemerlang",
    "Bersaudara", "Sukses", "Permai", "Jayatama", "Mulia", "Kencana", "Pratama", "Selaras", "Bangun", "Sarana",
    "Multindo", "Energindo",
)
_TWIN_STYLES = {  # how another source system writes the same company name
    0: ("PT. {U}", "{T}, PT", "PT {U}", "pt {L}", "PT  {T}", "{U} PT"),
    1: ("CV. {U}", "{T}, CV", "CV {U}", "cv. {L}"),
    2: ("PT. {U} TBK", "{T} Tbk, PT", "PT {T}, Tbk.", "PT {U} Tbk"),
}
_SECTORS_REGULAR = ("05100", "01262", "10431", "41011", "42101", "35101", "06100", "09100", "46100", "56101",
                    "62019", "47111", "20111", "70209", "85499", "86103", "49431", "52101")
_SECTORS_BIG = ("42101", "35101", "05100", "41011", "06100")
_SECTORS_VW = ("41011", "10431", "56101", "01262", "33120", "96122", "25111")
_SECTORS_SHELL = ("70209", "46900", "46100", "82990", "74909")
_JOB_TITLES = (
    "Engineer", "Technician", "Supervisor", "Manager", "Operator", "Mechanic", "Electrician", "Geologist",
    "Drilling Supervisor", "QA/QC Inspector", "Project Manager", "Tenaga Ahli", "Chef", "Teacher", "Consultant",
    "Finance Manager", "Plant Manager", "Safety Officer",
)
_FIELD_ROLES = ("Helper", "Welder", "Cook", "Operator", "Labourer", "Driver", "Translator", "Mechanic", "Waiter",
                "Therapist", "Carpenter", "Mason")
_VISITOR_ROLES = ("Commissioning Engineer", "Vendor Engineer", "Technical Advisor", "Auditor")
_DIRECTOR_ROLES = ("Direktur", "Komisaris", "Direktur Utama")
_HOTEL_WORDS = ("Musi", "Sriwijaya", "Ampera", "Dempo", "Bukit", "Kenten", "Jaya", "Griya", "Mutiara", "Bintang",
                "Grand", "Royal", "Swarna", "Kuto", "Emas", "Seguntang", "Andalas", "Kemuning", "Siguntang", "Lematang",
                "Ogan", "Komering", "Enim", "Rawas", "Batanghari", "Jakabaring", "Palapa", "Nusa", "Permata", "Delima")
_HOTEL_SUFFIXES = ("Indah", "Permai", "Inn", "Residence", "Syariah", "Plaza", "Suites", "Boutique", "Garden", "Asri",
                   "Raya", "Baru", "Palace", "Guest House", "Homestay", "Lestari", "Sentosa", "Kencana", "Express", "City",
                   "Hills", "Riverside", "Syariah Inn", "Cottage", "Family", "Transit", "Business", "Heritage", "Park",
                   "Bay")
_DORM_LABELS = ("Mess Karyawan", "Mess Pekerja", "Base Camp")
_ID_FIRST = (
    "Budi", "Siti", "Ahmad", "Dewi", "Rizky", "Nur", "Hendra", "Yulia", "Andi", "Rina", "Muhammad", "Sri", "Agus",
    "Fitri", "Dedi", "Wulan", "Eko", "Ratna", "Joko", "Indah", "Bambang", "Lestari", "Hadi", "Maya", "Rudi",
    "Putri", "Irwan", "Desi", "Fajar", "Nia", "Arif", "Yanti", "Kgs.", "Nyimas", "Raden", "Ayu", "Teguh",
    "Novi", "Heri", "Lina", "Yusuf", "Anisa", "Reza", "Mega", "Dimas", "Intan", "Galih", "Sinta", "Hasan", "Rahma",
    "Taufik", "Citra", "Wahyudi", "Melati", "Ilham", "Puspita", "Yoga", "Kartika", "Ferry", "Amalia",
)
_ID_MIDDLE = ("", "Adi", "Nur", "Dwi", "Tri", "Eka", "Putra", "Putri", "Sari", "Kurnia", "Ayu", "Ari",
              "Budi", "Indra", "Dian", "Rahmat", "Surya", "Wahyu", "Fitria", "Cahya", "Maulana", "Ratna", "Bayu")
_ID_LAST = (
    "Santoso", "Rahayu", "Fauzi", "Lestari", "Pratama", "Aisyah", "Wijaya", "Sari", "Saputra", "Marlina",
    "Hidayat", "Kurniawan", "Setiawan", "Susanti", "Gunawan", "Handayani", "Syahputra", "Wati", "Nugroho",
    "Permata", "Firmansyah", "Yuliani", "Hasibuan", "Siregar", "Harahap", "Nasution", "Syarif", "Ramadhan",
    "Anggraini", "Hakim", "Zulkarnain", "Maharani", "Prasetyo", "Purnama", "Utami", "Halim", "Suryadi",
    "Rosita", "Iskandar", "Ibrahim", "Lubis", "Pohan", "Saragih", "Kusuma", "Wibowo", "Hartono", "Sulistyo",
    "Pangestu", "Rachman", "Effendi", "Simanjuntak", "Fitriani", "Novitasari", "Febriani", "Darmawan",
    "Hermawan", "Saputri", "Oktaviani", "Sembiring", "Tarigan",
)

# Foreign names. "Primary|variant": the variant is how another source system spells the same name.
_CULTURES = {
    "chinese": (True,
                "Wang, Li|Lee, Zhang|Chang, Liu|Lau, Chen|Chan, Yang|Yeung, Huang|Wong, Zhao|Chao, Wu|Ng, Zhou|Chou, "
                "Xu|Hsu, Sun|Suen, Ma|Mah, Zhu|Chu, Hu|Woo, Guo|Kuo, He|Ho, Lin|Lim, Luo|Lo, Gao|Kao, Zheng|Cheng, "
                "Liang|Leung, Xie|Hsieh, Tang|Tong, Song|Sung, Deng|Teng, Feng|Fung, Han, Cao|Tsao, Peng|Pang",
                "Wei, Jun, Hao, Lei, Yong, Jie, Tao, Ming, Qiang, Bin, Hui, Jian, Chao, Gang, Zhiwei|Chih-wei, "
                "Xiaoming|Hsiao-ming, Jianhua|Chien-hua, Haoran, Yifan, Zihao|Tzu-hao",
                "Fang, Na, Jing|Ching, Yan, Min, Xiu|Hsiu, Ying, Hua, Mei, Ting, Xiaoyan|Hsiao-yen, Lili, Yuting|Yu-ting, "
                "Xinyi|Hsin-yi, Jiayi|Chia-yi, Qian|Chien"),
    "korean": (True,
               "Kim, Lee|Yi, Park|Pak, Choi|Choe, Jung|Chung, Kang|Gang, Cho|Jo, Yoon|Yun, Jang|Chang, Lim|Im, Han, "
               "Oh|O, Seo|Suh, Shin|Sin, Kwon|Gwon, Hwang, Ahn|An, Song, Yoo|Yu, Hong",
               "Min-jun|Minjun, Seo-jun|Seojun, Do-yun|Doyun, Ji-ho|Jiho, Joon-young|Junyoung, Sung-min|Seongmin, "
               "Hyun-woo|Hyunwoo, Jae-won|Jaewon, Dong-hyun|Donghyun, Young-soo|Youngsu",
               "Seo-yeon|Seoyeon, Ji-woo|Jiwoo, Min-seo|Minseo, Ha-eun|Haeun, Soo-jin|Sujin, Ji-eun|Jieun, "
               "Hye-jin|Hyejin, Yu-na|Yuna, Eun-ji|Eunji, Mi-kyung|Migyeong"),
    "japanese": (True,
                 "Sato|Satoh, Suzuki, Takahashi, Tanaka, Watanabe, Ito|Itoh, Yamamoto, Nakamura, Kobayashi, "
                 "Kato|Katoh, Yoshida, Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, Shimizu, Ota|Ohta",
                 "Hiroshi, Takeshi, Kenji, Yuki|Yuuki, Daisuke, Kazuki, Shota|Shouta, Ryota|Ryouta, Takumi, Haruto",
                 "Yuko|Yuuko, Akiko, Yumi, Keiko, Naoko, Sakura, Aoi, Haruka, Misaki, Yui"),
    "indian": (False,
               "Kumar, Sharma|Sarma, Singh, Patel, Reddy|Reddi, Nair, Iyer, Gupta, Rao, Das|Dass, Mehta, Joshi, Menon, "
               "Pillai, Verma|Varma, Chauhan|Chouhan, Mishra|Misra, Agarwal|Aggarwal, Banerjee|Banerji, "
               "Mukherjee|Mukherji",
               "Rajesh, Amit, Suresh, Vijay, Anil, Rahul, Arjun, Sanjay, Prakash, Ravi, Mohammed|Muhammad, Abdul",
               "Priya, Anjali, Sunita, Pooja|Puja, Kavita, Deepa, Lakshmi|Laxmi, Neha, Meera|Mira, Fatima"),
    "malay": (False,
              "Abdullah, Ismail, Hassan|Hasan, Osman|Othman, Yusof|Yusuf, Ibrahim, Rahman, Hamid, Aziz, Razak",
              "Ahmad, Muhammad|Mohd, Abdul Rahman, Hafiz, Azman, Faizal|Faisal, Zulkifli, Amirul, Khairul",
              "Nurul, Siti, Aisyah|Aishah, Farah, Nur Aina, Zainab, Noraini, Syafiqah|Shafiqah"),
    "western": (False,
                "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Taylor, Anderson, Thomas, Moore, "
                "Martin, Thompson|Thomson, White, Harris, Clark|Clarke, Lewis, Walker, Hall",
                "James, John|Jon, Michael, David, Robert, William, Daniel, Matthew|Mathew, Thomas, Andrew",
                "Mary, Sarah|Sara, Emma, Jennifer, Emily, Jessica, Laura, Olivia, Sophie|Sophia, Rachel"),
    "dutch": (False,
              "de Vries|De Vries, Jansen|Janssen, de Jong|De Jong, Bakker, Visser, Smit, Meijer|Meyer, "
              "van Dijk|Van Dyk, Mulder, de Boer|De Boer",
              "Jan, Pieter|Peter, Kees, Daan, Bram, Thijs, Willem",
              "Anna, Sanne, Lotte, Femke, Eva, Marieke"),
    "german": (False,
               "Müller|Mueller, Schmidt|Schmitt, Schneider, Fischer, Weber, Meyer|Meier, Wagner, Becker, "
               "Schulz|Schultz, Hoffmann|Hofmann, Koch, Schäfer|Schaefer, Krüger|Krueger",
               "Thomas, Michael, Andreas, Stefan|Stephan, Jürgen|Juergen, Lukas|Lucas, Felix",
               "Anna, Julia, Katharina, Sabine, Monika, Lena"),
    "french": (False,
               "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Lefèvre|Lefevre, "
               "Girard, Lambert",
               "Jean, Pierre, Nicolas, Julien, Antoine, François|Francois, Louis",
               "Marie, Camille, Sophie, Claire, Élodie|Elodie, Chloé|Chloe"),
    "filipino": (False,
                 "Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Torres, Dela Cruz|De la Cruz, Ramos, "
                 "Aquino, Villanueva",
                 "Jose, Juan, Mark, John Paul|Johnpaul, Rodel, Ramon, Jerome",
                 "Maria, Kristine|Christine, Jocelyn, Maricel, Rowena, Angelica"),
    "vietnamese": (True,
                   "Nguyen|Nguyễn, Tran|Trần, Le|Lê, Pham|Phạm, Hoang|Hoàng, Vu|Vũ, Dang|Đặng, Bui|Bùi, Do|Đỗ, "
                   "Ngo|Ngô, Duong|Dương, Ly|Lý",
                   "Van Minh|Văn Minh, Duc Anh|Đức Anh, Quang Huy, Hoang Nam|Hoàng Nam, Tuan|Tuấn, "
                   "Thanh Tung|Thanh Tùng, Minh Quan|Minh Quân",
                   "Thi Lan|Thị Lan, Thu Ha|Thu Hà, Ngoc Anh|Ngọc Anh, Thi Mai|Thị Mai, Phuong|Phương, "
                   "Thanh Huong|Thanh Hương"),
    "thai": (False,
             "Saetang|Sae-Tang, Srisuk, Wongsa, Chaiyaporn, Rattanakul, Boonmee|Bunmi, Kittisak, Thongdee|Tongdee",
             "Somchai, Somsak, Prasert, Anan, Wichai|Vichai, Narong",
             "Siriporn, Malee|Mali, Nattaya, Kanya, Pranee"),
    "arabic": (False,
               "Al-Harbi|Alharbi, Al-Qahtani|Alqahtani, Al-Otaibi|Alotaibi, Al-Ghamdi|Alghamdi, Al-Zahrani|Alzahrani",
               "Mohammed|Muhammad, Abdullah, Khalid, Fahad|Fahd, Faisal|Faysal, Omar|Umar",
               "Fatimah|Fatima, Noura|Nora, Sara|Sarah, Reem, Huda"),
}
_CULTURE_NAMES = tuple(_CULTURES)
# nationality, share, {culture: share}
_NATIONALITIES = (
    ("CHN", 0.22, {"chinese": 1}), ("MYS", 0.09, {"malay": 0.55, "chinese": 0.35, "indian": 0.10}),
    ("SGP", 0.05, {"chinese": 0.75, "malay": 0.15, "indian": 0.10}), ("IND", 0.08, {"indian": 1}),
    ("KOR", 0.08, {"korean": 1}), ("JPN", 0.07, {"japanese": 1}), ("AUS", 0.06, {"western": 1}),
    ("USA", 0.05, {"western": 1}), ("GBR", 0.04, {"western": 1}), ("NLD", 0.03, {"dutch": 1}),
    ("DEU", 0.03, {"german": 1}), ("FRA", 0.02, {"french": 1}), ("PHL", 0.04, {"filipino": 1}),
    ("VNM", 0.04, {"vietnamese": 1}), ("THA", 0.03, {"thai": 1}), ("TWN", 0.02, {"chinese": 1}),
    ("SAU", 0.01, {"arabic": 1}),
)
_NAT_CODES = tuple(n[0] for n in _NATIONALITIES)
_NAT_P = np.array([n[1] for n in _NATIONALITIES]) / sum(n[1] for n in _NATIONALITIES)
_SEXES = ("M", "F", "X")
_SEX_P = np.array([0.63, 0.36, 0.01])

_PERMIT_TYPES = ("VISIT", "LIMITED_STAY", "PERMANENT")
_PURPOSES = ("TOURISM", "BUSINESS", "WORK", "FAMILY", "INVESTOR", "STUDY", "RETIREMENT", "OTHER")
_SOURCES = ("WORK_PERMIT", "INSPECTION", "REPORT")
_DIRECTIONS = ("ARRIVAL", "DEPARTURE")
_RESIDENCE_SOURCES = ("HOTEL_REPORT", "HOST_REPORT", "PERMIT_APPLICATION")
_SPONSOR_TYPES = ("ORGANIZATION", "INDIVIDUAL")
VISIT, LIMITED, PERMANENT = 0, 1, 2
TOURISM, BUSINESS, WORK, FAMILY, INVESTOR, STUDY, RETIREMENT, OTHER = range(8)
WORK_PERMIT, INSPECTION, REPORT = 0, 1, 2
HOTEL_REPORT, HOST_REPORT, PERMIT_APPLICATION = 0, 1, 2

# place kinds, company kinds, sponsor kinds, person-row kinds
RESIDENTIAL, HOTEL, OFFICE, DORM, CAMPUS = range(5)
REGULAR, BIG, VISIT_WORKFORCE, SHELL = range(4)
TWIN, AGENT, UNIVERSITY, MILL, FAMILY_SPONSOR, PERSONAL_SPONSOR = range(6)
PRIMARY_ROW, SPELLING_ROW, RENEWED_ROW = range(3)

# Roles of humans: the first eight are the ordinary population, the rest planted or look-alikes.
(TOURIST, VISITOR, WORKER, SPOUSE, STUDENT, RESIDENT, INVESTOR_ROLE, RETIREE,
 BIG_WORKER, BIG_VISITOR, VW_VISITOR, VW_WORKER, MILL_CLIENT, HOTSPOT_RESIDENT, SHELL_WORKER,
 OVERSTAYER, NO_ENTRY, DEPARTED_EXPIRED, RECENTLY_EXPIRED, RENEWED) = range(20)
_ORDINARY_SHARE = np.array([0.40, 0.10, 0.24, 0.08, 0.05, 0.06, 0.04, 0.03])


@dataclass
class Scenario:
    """A synthetic scenario: the contract input tables and the ground truth planted in them.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        Contract table name to a frame of string columns in contract order ("" for an empty cell),
        rows in file order, bad rows included.
    truth : dict
        JSON-able ground truth: ``seed``, ``n_persons``, ``as_of``, ``schema``, ``counts`` (rows
        written per table), ``accepted`` (rows a contract loader keeps), ``typologies``,
        ``lookalikes``, ``messiness``, ``resolution`` (source ids of each real-world entity that
        has several rows), ``bad_rows`` and ``bad_row_list``.
    """

    tables: dict[str, pd.DataFrame]
    truth: dict


def synth(n_persons: int, seed: int, as_of: datetime.date | str | None = None) -> Scenario:
    """Generate a synthetic South Sumatra scenario with planted typologies and ground truth.

    Parameters
    ----------
    n_persons : int
        Number of humans (at least 1000). The ``persons`` table has a few percent more rows: some
        humans appear under several rows, and bad rows are added.
    seed : int
        Seed of the ``PCG64`` generator; the same seed (and ``as_of``) gives the same scenario.
    as_of : datetime.date or str, optional
        The day the data describe ("today" for overstays and valid permits), ISO ``YYYY-MM-DD``.
        Defaults to 2026-11-01, a fixed date so that scenarios do not change with the clock.

    Returns
    -------
    Scenario
        The tables and the truth; see :class:`Scenario`.

    Examples
    --------
    >>> s = synth(1000, seed=7, as_of="2026-06-30")
    >>> s.truth["as_of"], s.truth["counts"]["persons"] == len(s.tables["persons"])
    ('2026-06-30', True)
    >>> len(s.truth["typologies"]["overstayers"]) >= 6
    True
    """
    if n_persons < MIN_PERSONS:
        raise ValueError(f"n_persons must be at least {MIN_PERSONS}, got {n_persons}")
    day = as_of if isinstance(as_of, datetime.date) else datetime.date.fromisoformat(as_of or DEFAULT_AS_OF.isoformat())
    world = _World(np.random.Generator(np.random.PCG64(seed)), int((np.datetime64(day, "D") - _EPOCH).astype(np.int64)))
    plan = _plan(world, n_persons)
    _draw_humans(world, n_persons, plan["role"])
    _build_organisations(world, plan)
    _generate_stays(world, plan)
    messiness = _add_messiness(world)
    tables, ids, safe, messiness["enum_values_in_odd_case_or_spacing"] = _to_tables(world)
    tables, bad_list = _plant_bad_rows(world, tables, ids, safe, n_persons)
    truth = _truth(world, ids, tables, bad_list, messiness, seed=seed, n_persons=n_persons, as_of=day)
    return Scenario(tables, truth)


def write_scenario(scenario: Scenario, out_dir: str | Path, fmt: str = "csv",
                   truth_path: str | Path | None = None) -> Path:
    """Write a scenario's tables (one file per table) and its truth (JSON, beside the folder).

    CSV files are RFC 4180 (UTF-8, header row, CRLF line ends, quotes only where needed); Parquet
    files hold string columns with empty cells as nulls and no timestamps, so the same scenario
    always gives the same bytes.

    Parameters
    ----------
    scenario : Scenario
        From :func:`synth`.
    out_dir : str or Path
        Folder for ``persons.csv`` ... (created if absent).
    fmt : {"csv", "parquet"}
        File format of the tables.
    truth_path : str or Path, optional
        Where to write the truth; defaults to ``<out_dir>.truth.json`` beside the folder. It may
        not lie inside ``out_dir``: the ground truth must never be read as input.

    Returns
    -------
    Path
        ``out_dir``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = write_scenario(synth(1000, seed=1), Path(tmp) / "scenario")
    ...     sorted(p.name for p in Path(tmp).iterdir())
    ['scenario', 'scenario.truth.json']
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out = Path(out_dir)
    truth_file = Path(truth_path) if truth_path is not None else out.with_name(out.name + ".truth.json")
    if truth_file.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"{truth_file}: the truth file may not lie inside the scenario folder {out}")
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in scenario.tables.items():
        if fmt == "csv":
            frame.to_csv(out / f"{name}.csv", index=False, lineterminator="\r\n", encoding="utf-8")
        else:
            columns = {}
            for col in frame.columns:
                values = pa.array(frame[col]).cast(pa.string())
                columns[col] = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
            pq.write_table(pa.table(columns), out / f"{name}.parquet", compression="zstd")
    truth_file.parent.mkdir(parents=True, exist_ok=True)
    truth_file.write_text(_dump_truth(scenario.truth), encoding="utf-8")
    return out


# --------------------------------------------------------------------------------------------
# Integer-coded rows while generating
# --------------------------------------------------------------------------------------------


class _Rows:
    """Columns appended in chunks by the generators, concatenated when read."""

    def __init__(self, **defaults):
        self.defaults = defaults
        self.chunks: list[dict[str, np.ndarray]] = []
        self.n = 0

    def add(self, n: int, **cols) -> np.ndarray:
        unknown = set(cols) - set(self.defaults)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        chunk = {}
        for name, default in self.defaults.items():
            value = cols.get(name, default)
            dtype = object if isinstance(default, str) else None
            chunk[name] = np.array(np.broadcast_to(np.asarray(value, dtype=dtype), (n,)))
        self.chunks.append(chunk)
        self.n += n
        return np.arange(self.n - n, self.n)

    def __getitem__(self, name: str) -> np.ndarray:
        """The whole column, writable (chunks are merged first)."""
        if len(self.chunks) > 1:
            self.chunks = [{k: np.concatenate([c[k] for c in self.chunks]) for k in self.defaults}]
        if not self.chunks:
            return np.asarray([], dtype=object if isinstance(self.defaults[name], str) else np.int64)
        return self.chunks[0][name]


class _World:
    """Everything generated so far, as integer codes, and the random generator."""

    def __init__(self, rng: np.random.Generator, today: int):
        self.rng = rng
        self.today = today
        self.humans = _Rows(nat=0, culture=0, sex=0, birth=0, given=0, family=0, role=0)
        self.persons = _Rows(human=0, kind=PRIMARY_ROW, passport=0, no_passport=False)
        self.places = _Rows(city=0, kind=RESIDENTIAL, street=0, gang=-1, number=0, km=-1, rt=-1, rw=-1,
                            village=0, lat=0.0, lon=0.0, label="", special=False)
        self.addresses = _Rows(place=0, style=0)
        self.companies = _Rows(kind=REGULAR, city=0, core="", form=0, reg="", sector="", address=0, phone="",
                               twin=0, size=0)
        self.sponsors = _Rows(kind=TWIN, type=0, name="", reg="", address=0, phone="", company=-1)
        self.permits = _Rows(person=0, ptype=0, purpose=0, sponsor=-1, issued=0, expires=0, office=-1)
        self.movements = _Rows(person=0, direction=0, date=0, port=0)
        self.employment = _Rows(person=0, company=0, source=0, start=0, end=_NA, role="")
        self.residences = _Rows(person=0, address=0, reported=0, source=0)
        self.used: dict[str, np.ndarray] = {}
        self.truth: dict[str, tuple[str, object]] = {}
        self.twin_reg_shared = 0
        self.orgs: dict[str, np.ndarray] = {}
        self.shell: dict[str, np.ndarray] = {}

    def between(self, lo, hi, n: int | None = None) -> np.ndarray:
        """Uniform integers in [lo, hi] (arrays or scalars, hi >= lo), ``n`` of them for scalar bounds."""
        shape = np.broadcast_shapes(np.shape(lo), np.shape(hi), () if n is None else (n,))
        lo = np.broadcast_to(np.asarray(lo, np.int64), shape)
        hi = np.broadcast_to(np.asarray(hi, np.int64), shape)
        return lo + (self.rng.random(shape) * (hi - lo + 1)).astype(np.int64)

    def pick(self, options, n: int):
        """n draws from a tuple of strings, as an object array."""
        return np.asarray(options, dtype=object)[self.rng.integers(0, len(options), n)]

    def fresh(self, space: str, n: int, lo: int, hi: int) -> np.ndarray:
        """n distinct integers in [lo, hi) never handed out before in ``space`` (document numbers)."""
        used = self.used.get(space, np.empty(0, np.int64))
        out = self.rng.integers(lo, hi, n)
        while True:
            bad = np.isin(out, used)
            _, first = np.unique(out, return_index=True)
            repeated = np.ones(n, bool)
            repeated[first] = False
            bad |= repeated
            if not bad.any():
                break
            out[bad] = self.rng.integers(lo, hi, int(bad.sum()))
        self.used[space] = np.concatenate([used, out])
        return out


def _rank_in_group(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... within each run of np.repeat(..., counts)."""
    counts = np.asarray(counts, np.int64)
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum())) - np.repeat(starts, counts)


def _split(members: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Group number of each member when ``members`` is cut into runs of ``sizes``."""
    return np.repeat(np.arange(len(sizes)), sizes)[: len(members)]


# --------------------------------------------------------------------------------------------
# Plan: how many of everything
# --------------------------------------------------------------------------------------------


def _plan(w: _World, n: int) -> dict:
    rng = w.rng

    def scaled(rate: float, minimum: int) -> int:
        return max(minimum, int(round(n * rate)))

    p = {
        "vw": rng.integers(5, 16, scaled(1 / 1000, 3)),  # visit-permit workers per employer
        "mill": rng.integers(10, 26, scaled(1 / 2500, 3)),  # clients per sponsor mill
        "hotspot": rng.integers(8, 21, scaled(1 / 1000, 3)),  # residents per hotspot
        "shell_size": rng.integers(3, 7, scaled(1 / 5000, 2)),  # employers per shell network
        "big": rng.integers(100, 100 + min(300, n // 20) + 1, scaled(1 / 10000, 3)),  # big contractors' workers
        "n_hotels": scaled(1 / 2500, 4),
        "n_agents": scaled(1 / 5000, 3),
        "n_universities": min(len(_UNIVERSITIES), scaled(1 / 20000, 3)),
        "n_dorms": scaled(1 / 2000, 3),
    }
    p["vw_permits"] = rng.integers(0, 3, len(p["vw"]))  # the few work-permit holders there
    p["shell_people"] = rng.integers(4, 13, len(p["shell_size"]))
    p["big_visitors"] = rng.integers(3, 9, len(p["big"]))
    planted = {
        BIG_WORKER: p["big"].sum(), BIG_VISITOR: p["big_visitors"].sum(), VW_VISITOR: p["vw"].sum(),
        VW_WORKER: p["vw_permits"].sum(), MILL_CLIENT: p["mill"].sum(), HOTSPOT_RESIDENT: p["hotspot"].sum(),
        SHELL_WORKER: p["shell_people"].sum(), OVERSTAYER: scaled(0.003, 6), NO_ENTRY: scaled(0.002, 5),
        DEPARTED_EXPIRED: scaled(0.003, 5), RECENTLY_EXPIRED: scaled(0.002, 5), RENEWED: scaled(0.002, 5),
    }
    rest = n - int(sum(planted.values()))
    counts = np.floor(rest * _ORDINARY_SHARE).astype(np.int64)
    counts[TOURIST] += rest - counts.sum()
    all_counts = np.concatenate([counts, [planted[r] for r in range(BIG_WORKER, RENEWED + 1)]])
    role = np.repeat(np.arange(len(all_counts)), all_counts)
    rng.shuffle(role)
    p["role"] = role
    # regular employers: heavy-tailed sizes that add up to the ordinary workers
    need = int(counts[WORKER])
    sizes = np.minimum(150, 1 + np.floor(rng.lognormal(1.0, 1.1, need + 10))).astype(np.int64)
    cut = int(np.searchsorted(np.cumsum(sizes), need)) + 1
    sizes = sizes[:cut]
    sizes[-1] -= sizes.sum() - need
    p["regular"] = sizes
    return p


def _members(w: _World, role: int) -> np.ndarray:
    return np.flatnonzero(w.humans["role"] == role)


# --------------------------------------------------------------------------------------------
# Humans: protected attributes first, independent of everything after
# --------------------------------------------------------------------------------------------


def _name_pools():
    """Flat arrays of names (primary, variant) with per-culture offsets for vectorised draws."""
    family, given = [], []
    fam_off, giv_off = {}, {}
    for c, (_, fam, male, female) in _CULTURES.items():
        for key, text, store, off in ((c, fam, family, fam_off), ((c, 0), male, given, giv_off),
                                      ((c, 1), female, given, giv_off)):
            entries = [e.split("|") for e in text.split(", ")]
            off[key] = (len(store), len(entries))
            store.extend((e[0], e[1] if len(e) > 1 else "") for e in entries)
    return (np.array([f[0] for f in family], dtype=object), np.array([f[1] for f in family], dtype=object),
            np.array([g[0] for g in given], dtype=object), np.array([g[1] for g in given], dtype=object),
            fam_off, giv_off)


_FAMILY, _FAMILY_VARIANT, _GIVEN, _GIVEN_VARIANT, _FAMILY_OFFSETS, _GIVEN_OFFSETS = _name_pools()
_FAMILY_FIRST = np.array([_CULTURES[c][0] for c in _CULTURE_NAMES])


def _draw_humans(w: _World, n: int, role: np.ndarray) -> None:
    rng = w.rng
    nat = rng.choice(len(_NAT_CODES), n, p=_NAT_P)
    sex = rng.choice(3, n, p=_SEX_P)
    age_days = (rng.triangular(18, 31, 76, n) * 365.25).astype(np.int64)
    birth = w.today - age_days
    culture = np.zeros(n, np.int64)
    u = rng.random(n)
    for i, (_, _, mix) in enumerate(_NATIONALITIES):
        at = nat == i
        edges = np.cumsum(list(mix.values()))
        culture[at] = np.array([_CULTURE_NAMES.index(c) for c in mix])[np.searchsorted(edges, u[at] * edges[-1])]
    fam = np.zeros(n, np.int64)
    giv = np.zeros(n, np.int64)
    pool_sex = np.where(sex == 2, rng.integers(0, 2, n), sex)
    u1, u2 = rng.random(n), rng.random(n)
    for ci, c in enumerate(_CULTURE_NAMES):
        at = culture == ci
        start, count = _FAMILY_OFFSETS[c]
        fam[at] = start + (u1[at] * count).astype(np.int64)
        for s in (0, 1):
            at_s = at & (pool_sex == s)
            start, count = _GIVEN_OFFSETS[(c, s)]
            giv[at_s] = start + (u2[at_s] * count).astype(np.int64)
    w.humans.add(n, nat=nat, culture=culture, sex=sex, birth=birth, given=giv, family=fam, role=role)
    w.persons.add(n, human=np.arange(n), passport=w.fresh("passport", n, 10_000_000, 100_000_000))


# --------------------------------------------------------------------------------------------
# Places, companies, sponsors
# --------------------------------------------------------------------------------------------


def _places(w: _World, city, kind: int, label="", special: bool = False) -> np.ndarray:
    """New places of one kind; returns their canonical address rows."""
    rng = w.rng
    city = np.asarray(city, np.int64)
    n = len(city)
    highway = np.full(n, kind == DORM) | ((kind == OFFICE) & (rng.random(n) < 0.25))
    street = np.where(highway, rng.integers(0, len(_HIGHWAYS), n), rng.integers(0, len(_STREETS), n))
    gang = np.where((kind == RESIDENTIAL) & (rng.random(n) < 0.4), rng.integers(0, len(_GANGS), n), -1)
    with_rt = (kind == RESIDENTIAL) & (rng.random(n) < 0.75)
    village = np.empty(n, np.int64)
    u = rng.random(n)
    for c in range(len(_CITIES)):
        options = np.flatnonzero(_VILLAGE_CITY == c)
        at = city == c
        village[at] = options[(u[at] * len(options)).astype(np.int64)]
    spread = np.where(highway, 0.08, 0.025)
    lat = np.array([_CITIES[c][1] for c in range(len(_CITIES))])[city] + rng.normal(0, 1, n) * spread
    lon = np.array([_CITIES[c][2] for c in range(len(_CITIES))])[city] + rng.normal(0, 1, n) * spread
    place = w.places.add(
        n, city=city, kind=kind, street=street, gang=gang, number=rng.integers(1, 251, n),
        km=np.where(highway, rng.integers(3, 61, n), -1), rt=np.where(with_rt, rng.integers(1, 21, n), -1),
        rw=np.where(with_rt, rng.integers(1, 11, n), -1), village=village, lat=lat, lon=lon, label=label,
        special=special,
    )
    return w.addresses.add(n, place=place)


def _duplicate_addresses(w: _World, rows: np.ndarray, copies) -> np.ndarray:
    """Write the places of ``rows`` again under new ids (``copies`` each); returns the new rows."""
    copies = np.broadcast_to(np.asarray(copies, np.int64), rows.shape)
    base = np.repeat(w.rng.integers(0, 4, len(rows)), copies)
    style = 1 + (base + _rank_in_group(copies)) % 4
    return w.addresses.add(int(copies.sum()), place=np.repeat(w.addresses["place"][rows], copies), style=style)


def _unique_within(w: _World, space: int, group: np.ndarray, memory: str) -> np.ndarray:
    """Draws from range(space), distinct within each value of ``group`` (names unique per city).

    Draws already handed out under the same ``memory`` are avoided too.
    """
    group = np.asarray(group, np.int64)
    used = w.used.get(memory, np.empty(0, np.int64))
    if len(group):
        demand = np.bincount(group) + np.bincount(used // space, minlength=group.max() + 1)[: group.max() + 1]
        if demand.max() > 0.9 * space:
            raise ValueError(f"not enough distinct {memory} names for this many people; lower n_persons")
    values = w.rng.integers(0, space, len(group))
    while True:
        key = group * space + values
        _, first = np.unique(key, return_index=True)
        repeated = np.ones(len(key), bool)
        repeated[first] = False
        repeated |= np.isin(key, used)
        if not repeated.any():
            w.used[memory] = np.concatenate([used, key])
            return values
        values[repeated] = w.rng.integers(0, space, int(repeated.sum()))


def _office_phone(w: _World, city: np.ndarray) -> np.ndarray:
    number = w.fresh("phone", len(city), 300_000, 900_000)
    area = np.array([c[3] for c in _CITIES], dtype=object)[city]
    return np.array([f"{a}-{x}" for a, x in zip(area, number)], dtype=object)


def _restyle_phone(w: _World, phone: np.ndarray) -> np.ndarray:
    """The same office numbers as another system writes them."""
    style = w.rng.integers(0, 3, len(phone))
    out = []
    for p, s in zip(phone, style):
        area, number = p.split("-")
        out.append((f"+62{area[1:]}{number}", f"({area}) {number}", f"{area}{number}")[s])
    return np.array(out, dtype=object)


def _mobile(w: _World, n: int) -> np.ndarray:
    number = w.fresh("mobile", n, 10_000_000, 100_000_000)
    prefix = w.pick(("0812", "0813", "0821", "0852", "0877"), n)
    return np.array([f"{p}-{str(x)[:4]}-{str(x)[4:]}" for p, x in zip(prefix, number)], dtype=object)


def _core_names(w: _World, city: np.ndarray) -> np.ndarray:
    space = len(_WORDS_A) * len(_WORDS_B) * len(_WORDS_C)
    combo = _unique_within(w, space, city, "organisation")
    a, rest = np.divmod(combo, len(_WORDS_B) * len(_WORDS_C))
    b, c = np.divmod(rest, len(_WORDS_C))
    return np.array([f"{_WORDS_A[i]} {_WORDS_B[j]}" + (f" {_WORDS_C[k]}" if _WORDS_C[k] else "")
                     for i, j, k in zip(a, b, c)], dtype=object)


def _legal_name(core: str, form: int) -> str:
    return ("PT {}", "CV {}", "PT {} Tbk")[form].format(core)


def _add_companies(w: _World, kind: int, city: np.ndarray, core: np.ndarray, sectors: tuple, sizes=0,
                   address: np.ndarray | None = None) -> np.ndarray:
    """Employers with an office, and each one's sponsor twin (same company, another id and spelling)."""
    rng = w.rng
    n = len(city)
    form = rng.choice(3, n, p=[0.25, 0.0, 0.75] if kind == BIG else [0.80, 0.17, 0.03])  # PT, CV, PT ... Tbk
    office = _places(w, city, OFFICE) if address is None else address
    reg = w.fresh("nib", n, 10**12, 10**13).astype(str).astype(object)
    phone = _office_phone(w, city)
    company = w.companies.add(n, kind=kind, city=city, core=core, form=form, reg=reg, sector=w.pick(sectors, n),
                              address=office, phone=np.where(rng.random(n) < 0.05, "", phone), size=sizes)
    # the sponsor twin
    styles = [_TWIN_STYLES[f][s % len(_TWIN_STYLES[f])] for f, s in zip(form, rng.integers(0, 12, n))]
    names = np.array([s.format(T=c, U=c.upper(), L=c.lower()) for s, c in zip(styles, core)], dtype=object)
    reg_mode = rng.choice(3, n, p=[0.85, 0.075, 0.075])  # shared, empty, another (older) number
    twin_reg = np.where(reg_mode == 0, reg, np.where(reg_mode == 1, "",
                        w.fresh("nib", n, 10**12, 10**13).astype(str).astype(object)))
    w.twin_reg_shared += int((reg_mode == 0).sum())
    addr_mode = rng.choice(3, n, p=[0.5, 0.3, 0.2])  # same row, same place under another id, another office in town
    twin_addr = office.copy()
    dup = addr_mode == 1
    twin_addr[dup] = _duplicate_addresses(w, office[dup], 1)
    other = addr_mode == 2
    twin_addr[other] = _places(w, city[other], OFFICE)
    company_phone = w.companies["phone"][company]
    phone_mode = rng.choice(3, n, p=[0.4, 0.4, 0.2])
    twin_phone = np.where(phone_mode == 0, company_phone, np.where(phone_mode == 1, _restyle_phone(w, phone), ""))
    twin = w.sponsors.add(n, kind=TWIN, type=0, name=names, reg=twin_reg, address=twin_addr, phone=twin_phone,
                          company=company)
    w.companies["twin"][company] = twin
    return company


def _individuals(w: _World, kind: int, city: np.ndarray, home: np.ndarray) -> np.ndarray:
    """Indonesian individuals as sponsors (name unique within their town, NIK as registration)."""
    space = len(_ID_FIRST) * len(_ID_MIDDLE) * len(_ID_LAST)
    combo = _unique_within(w, space, city, "individual")
    f, rest = np.divmod(combo, len(_ID_MIDDLE) * len(_ID_LAST))
    m, last = np.divmod(rest, len(_ID_LAST))
    names = np.array([" ".join(x for x in (_ID_FIRST[a], _ID_MIDDLE[b], _ID_LAST[c]) if x)
                      for a, b, c in zip(f, m, last)], dtype=object)
    nik = w.fresh("nik", len(city), 10**11, 10**12)
    prefix = np.array([c[4] for c in _CITIES], dtype=object)[city]
    reg = np.array([f"{p}{x}" for p, x in zip(prefix, nik)], dtype=object)
    return w.sponsors.add(len(city), kind=kind, type=1, name=names, reg=reg, address=home, phone=_mobile(w, len(city)))


def _build_organisations(w: _World, plan: dict) -> None:
    rng = w.rng
    n_reg, n_big, n_vw = len(plan["regular"]), len(plan["big"]), len(plan["vw"])
    shell_sizes = plan["shell_size"]
    n_shell = int(shell_sizes.sum())
    n_mill = len(plan["mill"])
    mill_org = rng.random(n_mill) < 0.6
    cities = {
        "regular": rng.choice(len(_CITIES), n_reg, p=_CITY_P),
        "big": rng.choice([0, 2, 6, 5], n_big, p=[0.5, 0.25, 0.15, 0.10]),
        "vw": rng.choice(len(_CITIES), n_vw, p=_CITY_P),
        "shell": np.repeat(rng.choice(len(_CITIES), len(shell_sizes), p=_CITY_P), shell_sizes),
        "mill": rng.choice(len(_CITIES), n_mill, p=_CITY_P),
    }
    all_cities = np.concatenate(list(cities.values()))
    cores = _core_names(w, all_cities)
    bounds = np.cumsum([0] + [len(c) for c in cities.values()])
    core = {k: cores[bounds[i]:bounds[i + 1]] for i, k in enumerate(cities)}

    regular = _add_companies(w, REGULAR, cities["regular"], core["regular"], _SECTORS_REGULAR, plan["regular"])
    big = _add_companies(w, BIG, cities["big"], core["big"], _SECTORS_BIG, plan["big"])
    vw = _add_companies(w, VISIT_WORKFORCE, cities["vw"], core["vw"], _SECTORS_VW)
    # shell networks: each shares a phone, an address and/or its workers' sponsor (bits 1, 2, 4)
    mode = rng.integers(1, 8, len(shell_sizes))
    net = np.repeat(np.arange(len(shell_sizes)), shell_sizes)
    first = np.cumsum(shell_sizes) - shell_sizes
    shared_place = _places(w, cities["shell"][first], OFFICE)
    by_address = (mode[net] & 2) > 0
    address = np.empty(n_shell, np.int64)
    address[~by_address] = _places(w, cities["shell"][~by_address], OFFICE)
    shared_again = _duplicate_addresses(w, shared_place, 1)  # the shared place under a second id
    address[by_address] = np.where(rng.random(int(by_address.sum())) < 0.5, shared_place[net[by_address]],
                                   shared_again[net[by_address]])
    shell = _add_companies(w, SHELL, cities["shell"], core["shell"], _SECTORS_SHELL, address=address)
    by_phone = (mode[net] & 1) > 0
    phones = w.companies["phone"]
    shared_phone = _office_phone(w, cities["shell"][first])[net]
    phones[shell[by_phone]] = np.where(rng.random(int(by_phone.sum())) < 0.5, shared_phone[by_phone],
                                       _restyle_phone(w, shared_phone[by_phone]))
    twins = w.companies["twin"][shell[by_phone]]
    w.sponsors["phone"][twins] = np.where(w.sponsors["phone"][twins] == "", "", phones[shell[by_phone]])
    w.shell = {"companies": shell, "network": net, "mode": mode, "first": shell[first]}

    # sponsors that employ nobody
    agent_city = rng.choice(len(_CITIES), plan["n_agents"], p=[0.8] + [0.025] * 8)
    agent_core = _core_names(w, agent_city + len(_CITIES))  # "... Tour & Travel": a name space of its own
    agents = w.sponsors.add(
        plan["n_agents"], kind=AGENT, type=0,
        name=np.array([f"PT {c} Tour & Travel" for c in agent_core], dtype=object),
        reg=w.fresh("nib", plan["n_agents"], 10**12, 10**13).astype(str).astype(object),
        address=_places(w, agent_city, OFFICE), phone=_office_phone(w, agent_city))
    univ_city = np.array([_UNIVERSITIES[i][1] for i in range(plan["n_universities"])])
    universities = w.sponsors.add(
        plan["n_universities"], kind=UNIVERSITY, type=0,
        name=np.array([u[0] for u in _UNIVERSITIES[: plan["n_universities"]]], dtype=object),
        reg=w.fresh("npsn", plan["n_universities"], 10**7, 10**8).astype(str).astype(object),
        address=_places(w, univ_city, CAMPUS), phone=_office_phone(w, univ_city))
    mills = np.empty(n_mill, np.int64)
    mills[mill_org] = w.sponsors.add(
        int(mill_org.sum()), kind=MILL, type=0,
        name=np.array([_legal_name(c, 0) for c in core["mill"][mill_org]], dtype=object),
        reg=w.fresh("nib", int(mill_org.sum()), 10**12, 10**13).astype(str).astype(object),
        address=_places(w, cities["mill"][mill_org], OFFICE), phone=_office_phone(w, cities["mill"][mill_org]))
    home = _places(w, cities["mill"][~mill_org], RESIDENTIAL)
    mills[~mill_org] = _individuals(w, MILL, cities["mill"][~mill_org], home)

    # hotels, dormitories, hotspots
    hotel_city = rng.choice(len(_CITIES), plan["n_hotels"], p=_CITY_P)
    hotel_name = _unique_within(w, len(_HOTEL_WORDS) * len(_HOTEL_SUFFIXES), hotel_city, "hotel")
    word, suffix = np.divmod(hotel_name, len(_HOTEL_SUFFIXES))
    labels = np.array([f"Hotel {_HOTEL_WORDS[a]} {_HOTEL_SUFFIXES[b]}" for a, b in zip(word, suffix)], dtype=object)
    hotels = _places(w, hotel_city, HOTEL, label=labels, special=True)
    hotel_dups = np.full(len(hotels), -1)
    with_dup = rng.random(len(hotels)) < 0.5
    hotel_dups[with_dup] = _duplicate_addresses(w, hotels[with_dup], 1)
    dorm_owner = np.concatenate([np.arange(n_big), rng.integers(0, n_big, max(0, plan["n_dorms"] - n_big))])
    dorms = _places(w, w.companies["city"][big[dorm_owner]], DORM, label=w.pick(_DORM_LABELS, len(dorm_owner)),
                    special=True)
    hotspot_city = rng.choice(len(_CITIES), len(plan["hotspot"]), p=_CITY_P)
    hotspots = _places(w, hotspot_city, RESIDENTIAL, special=True)
    copies = rng.integers(1, 3, len(hotspots))
    hotspot_dups = _duplicate_addresses(w, hotspots, copies)

    w.orgs = {"regular": regular, "big": big, "vw": vw, "agents": agents, "universities": universities,
              "mills": mills, "hotels": hotels, "hotel_dups": hotel_dups,
              "hotel_weight": rng.gamma(2.0, 1.0, len(hotels)),
              "dorms": dorms, "dorm_owner": dorm_owner, "hotspots": hotspots,
              "hotspot_rows": np.concatenate([hotspots, hotspot_dups]),
              "hotspot_of_row": np.concatenate([np.arange(len(hotspots)), np.repeat(np.arange(len(hotspots)), copies)])}
    w.truth["visit_workforce"] = ("company", vw)
    w.truth["sponsor_mills"] = ("sponsor", mills)
    w.truth["address_hotspots"] = ("place", w.addresses["place"][hotspots])
    w.truth["big_contractors"] = ("company", big)
    w.truth["hotels"] = ("place", w.addresses["place"][hotels])
    w.truth["travel_agents"] = ("sponsor", agents)
    w.truth["universities"] = ("sponsor", universities)


# --------------------------------------------------------------------------------------------
# Stays: permits, movements, jobs, residences
# --------------------------------------------------------------------------------------------


def _permits(w: _World, person, first_issue, validity, step, count, ptype, purpose, sponsor, office) -> None:
    """A chain of ``count`` permits per person: issued every ``step`` days, each valid ``validity`` days."""
    n = len(person)
    count = np.broadcast_to(np.asarray(count, np.int64), (n,))

    def rep(v):
        return np.repeat(np.broadcast_to(np.asarray(v), (n,)), count)

    issued = rep(first_issue) + _rank_in_group(count) * rep(step)
    w.permits.add(len(issued), person=rep(person), ptype=rep(ptype), purpose=rep(purpose), sponsor=rep(sponsor),
                  issued=issued, expires=issued + rep(validity) - 1, office=rep(office))


def _crossings(w: _World, person, arrival, departure, arrival_port=None) -> None:
    n = len(person)
    for direction, date, port in ((0, arrival, arrival_port), (1, departure, None)):
        if date is None:
            continue
        date = np.broadcast_to(np.asarray(date, np.int64), (n,))
        at = date != _NA
        port = w.rng.choice(len(_PORTS), n, p=_PORT_P) if port is None else port
        w.movements.add(int(at.sum()), person=np.asarray(person)[at], direction=direction, date=date[at], port=port[at])


def _cover_count(first_issue, validity, step, until) -> np.ndarray:
    """Permits needed so that the last one is still valid on ``until``."""
    gap = until - first_issue - validity + 1
    return 1 + np.maximum(0, -(-gap // step))


def _count_before(first_issue, step, departure) -> np.ndarray:
    """Permits issued strictly before ``departure``."""
    return 1 + (departure - first_issue - 1) // step


def _jobs(w: _World, person, company, source, start, end=_NA, role=None) -> None:
    n = len(person)
    if role is None:
        role = w.pick(_JOB_TITLES if np.all(np.asarray(source) == WORK_PERMIT) else _FIELD_ROLES, n)
    role = np.where(w.rng.random(n) < 0.08, "", role)
    w.employment.add(n, person=person, company=company, source=source, start=start, end=end, role=role)


def _lives(w: _World, person, address, reported, source) -> None:
    w.residences.add(len(person), person=person, address=address, reported=reported, source=source)


def _hosts(w: _World, n: int, distinct_within: np.ndarray | None = None) -> np.ndarray:
    """Ordinary employers big enough that a few irregular workers stay a small share.

    With ``distinct_within`` (a sorted group number per person), people of one group work at
    different employers as long as there are enough.
    """
    regular = w.orgs["regular"]
    size = w.companies["size"][regular]
    eligible = regular[size >= 5] if (size >= 5).any() else regular
    weight = w.companies["size"][eligible].astype(float)
    if distinct_within is None:
        return eligible[w.rng.choice(len(eligible), n, p=weight / weight.sum())]
    out = np.empty(n, np.int64)
    _, starts, counts = np.unique(distinct_within, return_index=True, return_counts=True)
    for start, count in zip(starts, counts):
        pool, p = (eligible, weight) if count <= len(eligible) else (regular, size.astype(float))
        out[start:start + count] = pool[w.rng.choice(len(pool), count, replace=count > len(pool), p=p / p.sum())]
    return out


def _hotel_rows(w: _World, n: int) -> np.ndarray:
    o = w.orgs
    hotel = w.rng.choice(len(o["hotels"]), n, p=o["hotel_weight"] / o["hotel_weight"].sum())
    dup = o["hotel_dups"][hotel]
    return np.where((dup >= 0) & (w.rng.random(n) < 0.15), dup, o["hotels"][hotel])


def _visit(w: _World, person, arrival, validity, extended, length, purpose, sponsor) -> np.ndarray:
    """One visit on a visit permit (extended once when ``extended``): arrival, permits, departure.

    Returns the departure day, or _NA for visitors still here at as_of (their permit still valid).
    """
    step = validity - 2
    extended = extended & (arrival + step <= w.today - 1)
    departure = np.where(arrival + length <= w.today - 1, arrival + length, _NA)
    port = w.rng.choice(len(_PORTS), len(person), p=_PORT_P)
    _permits(w, person, arrival, validity, step, 1 + extended, VISIT, purpose, sponsor, _PORT_OFFICE[port])
    _crossings(w, person, arrival, departure, port)
    return departure


def _short_visits(w: _World, person, purpose, sponsor, earliest) -> tuple[np.ndarray, np.ndarray]:
    """Tourist-like stays of days to weeks; returns (arrival, departure or _NA)."""
    rng = w.rng
    n = len(person)
    arrival = w.between(earliest, w.today - 1, n)
    validity = np.where(rng.random(n) < 0.6, 30, 60)
    extended = rng.random(n) < 0.15
    step = validity - 2
    length = np.where(extended, step + 1 + (rng.random(n) * (validity - 1)).astype(np.int64),
                      3 + (rng.random(n) * np.minimum(19, validity - 4)).astype(np.int64))
    departure = _visit(w, person, arrival, validity, extended, length, purpose, sponsor)
    return arrival, departure


def _long_visits(w: _World, person, arrival, purpose, sponsor) -> None:
    """Months on successive 60-day visit permits, still here and still covered at as_of."""
    step = w.between(50, 59, len(person))
    count = _cover_count(arrival, 60, step, w.today)
    _permits(w, person, arrival, 60, step, count, VISIT, purpose, sponsor, 0)
    _crossings(w, person, arrival, None)


def _limited_stays(w: _World, person, arrival_lo, arrival_hi, purpose, sponsor, office, leave_share,
                   validity=365, step_lo=330, step_hi=364, ptype=LIMITED) -> tuple[np.ndarray, np.ndarray]:
    """Arrival, then renewed permits until departure or as_of; returns (first issue, departure or _NA)."""
    rng = w.rng
    n = len(person)
    arrival = w.between(arrival_lo, arrival_hi, n)
    first = arrival + w.between(1, 21, n)
    step = w.between(step_lo, step_hi, n)
    leaves = (rng.random(n) < leave_share) & (first + 31 <= w.today - 1)
    departure = np.where(leaves, w.between(first + 31, np.maximum(first + 31, w.today - 1)), _NA)
    count = np.where(leaves, _count_before(first, step, np.where(leaves, departure, first + 1)),
                     _cover_count(first, validity, step, w.today))
    _permits(w, person, first, validity, step, count, ptype, purpose, sponsor, office)
    _crossings(w, person, arrival, departure)
    return first, departure


def _expired_stays(w: _World, person, expiry_lo, expiry_hi, leaves: bool, work_share: float = 0.6):
    """Stays whose last permit expired in [expiry_lo, expiry_hi]; departed just before expiry if ``leaves``.

    Returns (company or -1, first issue, last expiry, home address row).
    """
    rng = w.rng
    n = len(person)
    work = rng.random(n) < work_share
    validity = np.where(work, 365, 60)
    step = np.where(work, w.between(330, 364, n), w.between(50, 59, n))
    count = rng.integers(1, 4, n)
    expiry = w.between(expiry_lo, expiry_hi, n)
    first = expiry - validity + 1 - (count - 1) * step
    arrival = first - np.where(work, w.between(1, 21, n), 0)
    company = np.where(work, _hosts(w, n), -1)
    city = np.where(work, w.companies["city"][np.maximum(company, 0)], rng.choice(len(_CITIES), n, p=_CITY_P))
    sponsor = np.where(work, w.companies["twin"][np.maximum(company, 0)], -1)
    purpose = np.where(work, WORK, np.where(rng.random(n) < 0.5, TOURISM, BUSINESS))
    _permits(w, person, first, validity, step, count, np.where(work, LIMITED, VISIT), purpose, sponsor,
             np.where(work, _CITY_OFFICE[city], 0))
    departure = expiry - w.between(0, 10, n) if leaves else None
    _crossings(w, person, arrival, departure)
    end = np.where(rng.random(n) < 0.5, expiry, _NA) if not leaves else departure
    _jobs(w, person[work], company[work], WORK_PERMIT, first[work], end[work])
    home = _places(w, city, RESIDENTIAL)
    _lives(w, person, home, first, np.where(work, PERMIT_APPLICATION, HOST_REPORT))
    if not leaves:  # some are seen at work recently
        seen = work & (rng.random(n) < 0.3)
        _jobs(w, person[seen], company[seen], INSPECTION,
              w.between(np.maximum(first[seen] + 1, w.today - 200), w.today - 1))
    return company, first, expiry, home


def _generate_stays(w: _World, plan: dict) -> None:
    rng = w.rng
    T = w.today
    o = w.orgs
    cc = w.companies["city"]
    twin = w.companies["twin"]

    # tourists and business visitors, some with an earlier trip
    for role, purpose in ((TOURIST, TOURISM), (VISITOR, BUSINESS)):
        people = _members(w, role)
        n = len(people)
        if purpose == TOURISM:
            sponsor = np.where(rng.random(n) < 0.3, o["agents"][rng.integers(0, len(o["agents"]), n)], -1)
        else:
            sponsor = np.where(rng.random(n) < 0.6, twin[o["regular"][rng.integers(0, len(o["regular"]), n)]], -1)
        arrival, _ = _short_visits(w, people, purpose, sponsor, T - 3 * _YEAR)
        stays = rng.random(n) < 0.9
        _lives(w, people[stays], _hotel_rows(w, int(stays.sum())), arrival[stays], HOTEL_REPORT)
        again = (rng.random(n) < 0.15) & (arrival - 700 >= T - 4 * _YEAR)
        earlier = arrival[again] - w.between(60, 700, int(again.sum()))
        length = w.between(3, 20, len(earlier))
        _visit(w, people[again], earlier, 30, np.zeros(len(earlier), bool), length, purpose, sponsor[again])
        _lives(w, people[again], _hotel_rows(w, len(earlier)), earlier, HOTEL_REPORT)

    # workers of ordinary employers, big contractors, and the few permit holders of visit-workforce employers
    regular_workers = _members(w, WORKER)
    big_workers = _members(w, BIG_WORKER)
    vw_workers = _members(w, VW_WORKER)
    people = np.concatenate([regular_workers, big_workers, vw_workers])
    company = np.concatenate([
        np.repeat(o["regular"], plan["regular"]), np.repeat(o["big"], plan["big"]),
        np.repeat(o["vw"], plan["vw_permits"]),
    ])
    order = np.argsort(company, kind="stable")
    people, company = people[order], company[order]
    n = len(people)
    first, departure = _limited_stays(w, people, T - 5 * _YEAR, T - 22, WORK, twin[company],
                                      _CITY_OFFICE[cc[company]], 0.25)
    _jobs(w, people, company, WORK_PERMIT, first, departure)
    seen = rng.random(n) < 0.05
    last_day = np.where(departure == _NA, T, departure) - 1
    seen &= last_day > first
    _jobs(w, people[seen], company[seen], INSPECTION, w.between(first[seen] + 1, last_day[seen]))
    # homes: a few share with a colleague; half of the big contractors' workers live in a dormitory
    share = (rng.random(n) < 0.1) & (company == np.roll(company, 1))
    share[0] = False
    share[1:] &= ~share[:-1]  # pairs only: no accidental crowded houses
    source = np.maximum.accumulate(np.where(share, -1, np.arange(n)))
    home = np.full(n, -1)
    home[~share] = _places(w, cc[company[~share]], RESIDENTIAL)
    home = home[source]
    big_index = np.searchsorted(o["big"], company)
    is_big = np.isin(company, o["big"])
    for b in range(len(o["big"])):
        dorms = o["dorms"][o["dorm_owner"] == b]
        at = np.flatnonzero(is_big & (big_index == b) & (rng.random(n) < 0.5))
        home[at] = dorms[rng.integers(0, len(dorms), len(at))]
    _lives(w, people, home, first, PERMIT_APPLICATION)
    w.truth["dormitories"] = ("place", w.addresses["place"][o["dorms"]])

    # vendor engineers at the big contractors: business visitors seen at an inspection
    people = _members(w, BIG_VISITOR)
    company = np.repeat(o["big"], plan["big_visitors"])
    n = len(people)
    arrival = w.between(T - 400, T - 2, n)
    length = w.between(5, 45, n)
    _visit(w, people, arrival, 60, np.zeros(n, bool), length, BUSINESS, twin[company])
    seen = np.minimum(arrival + w.between(1, length - 1), T - 1)
    _jobs(w, people, company, INSPECTION, seen, role=w.pick(_VISITOR_ROLES, n))
    _lives(w, people, _hotel_rows(w, n), arrival, HOTEL_REPORT)

    # spouses and children, sponsored by an Indonesian individual, living in the sponsor's home
    people = _members(w, SPOUSE)
    sizes = rng.integers(2, 6, len(people))
    family = _split(people, sizes)
    n_fam = int(family.max()) + 1
    city = rng.choice(len(_CITIES), n_fam, p=_CITY_P)
    home = _places(w, city, RESIDENTIAL)
    sponsors = _individuals(w, FAMILY_SPONSOR, city, home)
    arrival = w.between(T - 5 * _YEAR, T - 22, n_fam)[family]
    first_f = _family_stays(w, people, family, arrival, sponsors[family], _CITY_OFFICE[city][family])
    _lives(w, people, home[family], first_f, HOST_REPORT)
    counts = np.bincount(family, minlength=n_fam)
    w.truth["family_sponsors"] = ("sponsor", sponsors[counts >= 2])

    # students
    people = _members(w, STUDENT)
    n = len(people)
    university = rng.integers(0, len(o["universities"]), n)
    city = np.array([_UNIVERSITIES[i][1] for i in range(len(o["universities"]))])[university]
    first, _ = _limited_stays(w, people, T - 4 * _YEAR, T - 22, STUDY, o["universities"][university],
                              _CITY_OFFICE[city], 0.2)
    _lives(w, people, _places(w, city, RESIDENTIAL), first, PERMIT_APPLICATION)

    # permanent residents
    people = _members(w, RESIDENT)
    n = len(people)
    city = rng.choice(len(_CITIES), n, p=_CITY_P)
    home = _places(w, city, RESIDENTIAL)
    purpose = rng.choice([FAMILY, INVESTOR, RETIREMENT, OTHER], n, p=[0.5, 0.2, 0.1, 0.2])
    sponsor = np.full(n, -1)
    fam = purpose == FAMILY
    sponsor[fam] = _individuals(w, PERSONAL_SPONSOR, city[fam], home[fam])
    inv = purpose == INVESTOR
    sponsor[inv] = twin[o["regular"][rng.integers(0, len(o["regular"]), int(inv.sum()))]]
    ret = purpose == RETIREMENT
    sponsor[ret] = o["agents"][rng.integers(0, len(o["agents"]), int(ret.sum()))]
    first = w.between(T - 8 * _YEAR, T - 30, n)
    step = w.between(1790, 1825, n)
    _permits(w, people, first, 1826, step, _cover_count(first, 1826, step, T), PERMANENT, purpose, sponsor,
             _CITY_OFFICE[city])
    _crossings(w, people, first - w.between(1, 60, n), None)
    _lives(w, people, home, first, PERMIT_APPLICATION)
    works = (rng.random(n) < 0.3) & (purpose != RETIREMENT)
    _jobs(w, people[works], o["regular"][rng.integers(0, len(o["regular"]), int(works.sum()))], REPORT,
          w.between(first[works], T - 1), role=w.pick(_JOB_TITLES, int(works.sum())))

    # investors (directors of an ordinary company) and retirees (sponsored by a travel agent)
    people = _members(w, INVESTOR_ROLE)
    company = o["regular"][rng.integers(0, len(o["regular"]), len(people))]
    first, departure = _limited_stays(w, people, T - 4 * _YEAR, T - 22, INVESTOR, twin[company],
                                      _CITY_OFFICE[cc[company]], 0.1)
    _jobs(w, people, company, REPORT, first, departure, role=w.pick(_DIRECTOR_ROLES, len(people)))
    _lives(w, people, _places(w, cc[company], RESIDENTIAL), first, PERMIT_APPLICATION)
    people = _members(w, RETIREE)
    city = rng.choice(len(_CITIES), len(people), p=_CITY_P)
    first, _ = _limited_stays(w, people, T - 4 * _YEAR, T - 22, RETIREMENT,
                              o["agents"][rng.integers(0, len(o["agents"]), len(people))], _CITY_OFFICE[city], 0.1)
    _lives(w, people, _places(w, city, RESIDENTIAL), first, PERMIT_APPLICATION)

    # 1. visit-permit workforce: small employers staffed by people on visit permits
    people = _members(w, VW_VISITOR)
    n = len(people)
    company = np.repeat(o["vw"], plan["vw"])
    arrival = w.between(T - 330, T - 60, n)
    sponsor = np.where(rng.random(n) < 0.4, twin[company], -1)
    _long_visits(w, people, arrival, np.where(rng.random(n) < 0.6, BUSINESS, TOURISM), sponsor)
    _seen_working(w, people, company, arrival)
    lives = rng.random(n) < 0.5
    _lives(w, people[lives], _places(w, cc[company[lives]], RESIDENTIAL), arrival[lives] + 3, HOST_REPORT)

    # 2. sponsor mills: one guarantor, many unrelated visitors working and living all over
    people = _members(w, MILL_CLIENT)
    n = len(people)
    mill_index = np.repeat(np.arange(len(o["mills"])), plan["mill"])
    arrival = w.between(T - 300, T - 40, n)
    _long_visits(w, people, arrival, np.where(rng.random(n) < 0.5, BUSINESS, TOURISM), o["mills"][mill_index])
    company = _hosts(w, n, distinct_within=mill_index)
    _seen_working(w, people, company, arrival)
    _lives(w, people, _places(w, rng.choice(len(_CITIES), n, p=_CITY_P), RESIDENTIAL),
           w.between(arrival, T - 1), HOST_REPORT)

    # 3. address hotspots: many long-staying visitors with jobs reporting one ordinary house
    people = _members(w, HOTSPOT_RESIDENT)
    n = len(people)
    hotspot = np.repeat(np.arange(len(plan["hotspot"])), plan["hotspot"])
    arrival = w.between(T - 330, T - 90, n)
    _long_visits(w, people, arrival, np.where(rng.random(n) < 0.5, BUSINESS, TOURISM), -1)
    company = np.where(rng.random(n) < 0.5, o["vw"][rng.integers(0, len(o["vw"]), n)], _hosts(w, n))
    _seen_working(w, people, company, arrival)
    rows = np.empty(n, np.int64)
    for h in range(len(o["hotspots"])):
        at = np.flatnonzero(hotspot == h)
        options = o["hotspot_rows"][o["hotspot_of_row"] == h]
        rows[at] = options[rng.integers(0, len(options), len(at))]
    _lives(w, people, rows, w.between(arrival, T - 1), np.where(rng.random(n) < 0.6, HOST_REPORT, PERMIT_APPLICATION))

    # 5. shell networks: the same people rotated among employers that share a phone, address or sponsor
    _shell_rotations(w, plan)

    # 4. overstayers and their look-alikes
    over = _members(w, OVERSTAYER)
    _expired_stays(w, over, T - 365, T - 35, leaves=False)
    _expired_stays(w, _members(w, RECENTLY_EXPIRED), T - 25, T - 3, leaves=False)
    _expired_stays(w, _members(w, DEPARTED_EXPIRED), T - 365, T - 35, leaves=True)
    _renewed_passports(w)

    # 6. no lawful entry: seen working or living here, never an arrival, no valid permit
    _no_lawful_entry(w)

    for label, role in (("overstayers", OVERSTAYER), ("no_lawful_entry", NO_ENTRY),
                        ("departed_expired", DEPARTED_EXPIRED), ("recently_expired", RECENTLY_EXPIRED),
                        ("renewed_passport", RENEWED)):
        w.truth[label] = ("human", _members(w, role))


def _family_stays(w: _World, people, family, arrival, sponsor, office) -> np.ndarray:
    """Limited-stay family permits; a family arrives, renews and leaves together. Returns first issue days."""
    rng = w.rng
    T = w.today
    n_fam = int(family.max()) + 1
    first_f = arrival + w.between(1, 21, len(people))[np.searchsorted(family, family)]
    step_f = w.between(330, 364, n_fam)
    first_fam = first_f[np.searchsorted(family, np.arange(n_fam))]
    leaves = (rng.random(n_fam) < 0.1) & (first_fam + 31 <= T - 1)
    departure = np.where(leaves, w.between(first_fam + 31, np.maximum(first_fam + 31, T - 1)), _NA)
    count = np.where(leaves, _count_before(first_fam, step_f, np.where(leaves, departure, first_fam + 1)),
                     _cover_count(first_fam, 365, step_f, T))
    first = first_fam[family]
    _permits(w, people, first, 365, step_f[family], count[family], LIMITED, FAMILY, sponsor, office)
    _crossings(w, people, arrival, departure[family])
    return first


def _seen_working(w: _World, people, company, arrival) -> None:
    """Visitors seen at work: at an inspection (recent) or in an employer's report (soon after arriving)."""
    n = len(people)
    T = w.today
    inspected = w.rng.random(n) < 0.6
    inspection = w.between(np.maximum(arrival + 10, T - 365), T - 1, n)
    report = np.minimum(arrival + w.between(3, 40, n), T - 1)
    _jobs(w, people, company, np.where(inspected, INSPECTION, REPORT), np.where(inspected, inspection, report))


def _shell_rotations(w: _World, plan: dict) -> None:
    rng = w.rng
    T = w.today
    s = w.shell
    people = _members(w, SHELL_WORKER)
    net = np.repeat(np.arange(len(plan["shell_people"])), plan["shell_people"])
    size = plan["shell_size"][net]
    start_of_net = (np.cumsum(plan["shell_size"]) - plan["shell_size"])[net]
    hops = np.minimum(size, rng.integers(2, 5, len(people)))
    offset = rng.integers(0, 6, len(people)) % size
    row_person = np.repeat(np.arange(len(people)), hops)
    j = _rank_in_group(hops)
    employer = s["companies"][start_of_net[row_person] + (offset[row_person] + j) % size[row_person]]
    first_employer = employer[j == 0]
    cc = w.companies["city"]
    shared_sponsor = (s["mode"][net] & 4) > 0
    sponsor = w.companies["twin"][np.where(shared_sponsor, s["first"][net], first_employer)]
    first, _ = _limited_stays(w, people, T - 3 * _YEAR, T - 200, WORK, sponsor, _CITY_OFFICE[cc[first_employer]], 0.0)
    # consecutive periods: cut [first, as_of) at random points
    gaps = rng.random(len(j)) + 0.3
    cum = np.cumsum(gaps)
    total = np.add.reduceat(gaps, np.cumsum(hops) - hops)
    before = (cum - gaps) - np.repeat(np.cumsum(total) - total, hops)
    span = np.repeat(T - 1 - first, hops)
    start = np.repeat(first, hops) + (before / np.repeat(total, hops) * span).astype(np.int64)
    start[j == 0] = first
    end = np.append(start[1:] - 1, _NA)
    end[np.append(j[1:] == 0, True)] = _NA
    _jobs(w, people[row_person], employer, np.where(j == 0, WORK_PERMIT, REPORT), start, end,
          role=w.pick(_JOB_TITLES, len(j)))
    _lives(w, people, _places(w, cc[first_employer], RESIDENTIAL), first, PERMIT_APPLICATION)
    networks = [s["companies"][s["network"] == k] for k in range(len(plan["shell_size"]))]
    w.truth["shell_networks"] = ("networks", networks)


def _renewed_passports(w: _World) -> None:
    """An expired permit under the old passport's person row, a current one under the new row."""
    T = w.today
    people = _members(w, RENEWED)
    n = len(people)
    company, first, expiry, home = _expired_stays(w, people, T - 300, T - 35, leaves=False, work_share=1.0)
    new_passport = w.fresh("passport", n, 10_000_000, 100_000_000)
    new_rows = w.persons.add(n, human=people, kind=RENEWED_ROW, passport=new_passport)
    issued = expiry - w.between(1, 20, n)
    step = w.between(330, 364, n)
    cc = w.companies["city"][company]
    _permits(w, new_rows, issued, 365, step, _cover_count(issued, 365, step, T), LIMITED, WORK,
             w.companies["twin"][company], _CITY_OFFICE[cc])
    _jobs(w, new_rows, company, WORK_PERMIT, issued)
    _lives(w, new_rows, home, issued, PERMIT_APPLICATION)


def _no_lawful_entry(w: _World) -> None:
    rng = w.rng
    T = w.today
    people = _members(w, NO_ENTRY)
    n = len(people)
    had_permit = rng.random(n) < 0.4  # long ago, and left; no arrival is on record at all
    old = people[had_permit]
    issued = w.between(T - 900, T - 400, len(old))
    _permits(w, old, issued, 30, 28, 1, VISIT, TOURISM, -1, 0)
    _crossings(w, old, None, issued + w.between(3, 25, len(old)))
    works = rng.random(n) < 0.7
    lives = (rng.random(n) < 0.6) | ~works
    _jobs(w, people[works], _hosts(w, int(works.sum())), INSPECTION,
          w.between(T - 180, T - 1, int(works.sum())))
    city = rng.choice(len(_CITIES), int(lives.sum()), p=_CITY_P)
    _lives(w, people[lives], _places(w, city, RESIDENTIAL), w.between(T - 180, T - 1, len(city)),
           HOST_REPORT)
    undocumented = ~had_permit & (rng.random(n) < 0.5)  # found without a passport
    w.persons["no_passport"][people[undocumented]] = True


# --------------------------------------------------------------------------------------------
# Messiness: several rows for one human, one place
# --------------------------------------------------------------------------------------------


def _add_messiness(w: _World) -> dict:
    rng = w.rng
    n_humans = w.humans.n
    # spelling variants: another system's row for the same human (same passport); some events point to it
    humans = np.flatnonzero(rng.random(n_humans) < 0.04)
    variant_rows = w.persons.add(len(humans), human=humans, kind=SPELLING_ROW, passport=w.persons["passport"][humans])
    w.persons["no_passport"][variant_rows] = w.persons["no_passport"][humans]
    variant_of = np.full(n_humans, -1)
    variant_of[humans] = variant_rows
    moved_table = np.full(n_humans, -1)
    moved_table[humans] = rng.choice(4, len(humans), p=[0.35, 0.35, 0.15, 0.15])
    primary_human = w.persons["human"]
    for t, (table, only) in enumerate(((w.movements, None), (w.residences, None), (w.employment, WORK_PERMIT))):
        person = table["person"]
        is_primary = w.persons["kind"][person] == PRIMARY_ROW
        at = is_primary & (moved_table[primary_human[person]] == t)
        if only is not None:
            at &= table["source"] != only
        person[at] = variant_of[primary_human[person[at]]]
    # places written again under another id; half of the reports about them use the new id
    places = w.addresses["place"]
    ordinary = np.flatnonzero((w.places["kind"] == RESIDENTIAL) & ~w.places["special"])
    chosen = ordinary[rng.random(len(ordinary)) < 0.04]
    canonical = np.flatnonzero(w.addresses["style"] == 0)
    canonical_of = np.full(w.places.n, -1)
    canonical_of[places[canonical]] = canonical
    copies = np.where(rng.random(len(chosen)) < 0.2, 2, 1)
    new_rows = _duplicate_addresses(w, canonical_of[chosen], copies)
    first_copy = np.full(w.places.n, -1)
    first_copy[w.addresses["place"][new_rows[::-1]]] = new_rows[::-1]
    address = w.residences["address"]
    at = (first_copy[w.addresses["place"][address]] >= 0) & (w.addresses["style"][address] == 0) & (
        rng.random(len(address)) < 0.5)
    address[at] = first_copy[w.addresses["place"][address[at]]]
    kinds = w.persons["kind"]
    return {
        "person_rows_spelling_variant": int((kinds == SPELLING_ROW).sum()),
        "person_rows_renewed_passport": int((kinds == RENEWED_ROW).sum()),
        "humans_with_several_person_rows": int(len(np.unique(w.persons["human"][kinds != PRIMARY_ROW]))),
        "employer_sponsor_twins": int(w.companies.n),
        "twins_sharing_registration_no": int(w.twin_reg_shared),
        "twins_not_sharing_registration_no": int(w.companies.n - w.twin_reg_shared),
        "address_rows_duplicating_a_place": int((w.addresses["style"] > 0).sum()),
        "places_with_several_address_ids": int(len(np.unique(w.addresses["place"][w.addresses["style"] > 0]))),
    }


# --------------------------------------------------------------------------------------------
# Strings, ids, files
# --------------------------------------------------------------------------------------------


def _strings(values) -> pa.Array:
    return pa.array(values, pa.string())


def _take(vocabulary, codes) -> pa.Array:
    return pa.array(list(vocabulary), pa.string()).take(pa.array(np.asarray(codes, np.int64)))


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _number_text(values) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values)), pa.string())


def _blank(values: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(np.asarray(mask, bool)), "", values)


def _iso(days) -> pa.Array:
    days = np.asarray(days, np.int64)
    missing = days == _NA
    text = pa.array(np.where(missing, 0, days).astype(np.int32)).cast(pa.date32()).cast(pa.string())
    return _blank(text, missing)


def _format_ids(prefix: str, number, width: int) -> pa.Array:
    return _join(prefix, pc.utf8_lpad(_number_text(np.asarray(number, np.int64)), width, padding="0"))


def _width(n: int, minimum: int) -> int:
    return max(minimum, len(str(3 * n)))


def _ids(w: _World, prefix: str, n: int, minimum: int) -> tuple[np.ndarray, pa.Array, int]:
    """Random distinct numbers 1..n, their ids (``prefix`` + zero-padded number) and the digit count."""
    width = _width(n, minimum)
    number = w.rng.permutation(n) + 1
    return number, _format_ids(prefix, number, width), width


def _enum_text(w: _World, vocabulary: tuple, codes, odd: list) -> pa.Array:
    """Enum values; a few in odd case or with spaces, as source systems write them (still valid)."""
    codes = np.asarray(codes, np.int64)
    k = len(vocabulary)
    spelled = list(vocabulary) + [v.lower() for v in vocabulary] + [f" {v}" for v in vocabulary] + [
        f"{v.title()} " for v in vocabulary]
    at = w.rng.random(len(codes)) < 0.003
    odd.append(int(at.sum()))
    return _take(spelled, codes + at * k * w.rng.integers(1, 4, len(codes)))


def _person_names(w: _World) -> pa.Array:
    rng = w.rng
    h = w.persons["human"]
    kind = w.persons["kind"]
    fam_index, giv_index = w.humans["family"][h], w.humans["given"][h]
    first = _FAMILY_FIRST[w.humans["culture"][h]]
    fam, giv = _take(_FAMILY, fam_index), _take(_GIVEN, giv_index)
    names = pc.if_else(pa.array(first), _join(fam, " ", giv), _join(giv, " ", fam))
    rows, text = [], []
    # renewed passport: the same name, perhaps in another case or spacing
    renewed = np.flatnonzero(kind == RENEWED_ROW)
    for r, s in zip(renewed, rng.integers(0, 3, len(renewed))):
        name = names[int(r)].as_py()
        rows.append(r)
        text.append((name.upper(), name.replace(" ", "  "), name)[s])
    # spelling variants: another transliteration, the other name order, capitals, a dropped letter
    variants = np.flatnonzero(kind == SPELLING_ROW)
    for r, c, u in zip(variants, rng.integers(0, 4, len(variants)), rng.random(len(variants))):
        f, g = _FAMILY[fam_index[r]], _GIVEN[giv_index[r]]
        fv, gv = _FAMILY_VARIANT[fam_index[r]], _GIVEN_VARIANT[giv_index[r]]
        if c == 0 and (fv or gv):
            f, g = fv or f, gv or g
            name = f"{f} {g}" if first[r] else f"{g} {f}"
        elif c <= 1:
            name = f"{g} {f}" if first[r] else f"{f}, {g}"
        elif c == 2:
            name = (f"{f} {g}" if first[r] else f"{g} {f}").upper()
        else:
            k = 1 + int(u * (len(g) - 1))
            g = g[:k] + g[k + 1:] if len(g) > 3 else g + g[-1]
            name = f"{f} {g}" if first[r] else f"{g} {f}"
        rows.append(r)
        text.append(name)
    mask = np.zeros(len(h), bool)
    mask[rows] = True
    return pc.replace_with_mask(names, pa.array(mask), _strings([text[i] for i in np.argsort(rows)]))


def _address_lines(w: _World) -> pa.Array:
    P = w.places
    highway = P["km"] >= 0
    street = pc.if_else(pa.array(highway), _take(_HIGHWAYS, np.where(highway, P["street"], 0)),
                        _take(_STREETS, np.where(highway, 0, P["street"])))
    gang = _blank(_join(" Gg. ", _take(_GANGS, np.maximum(P["gang"], 0))), P["gang"] < 0)
    where = pc.if_else(pa.array(highway), _join(" Km. ", _number_text(P["km"])),
                       _join(" No. ", _number_text(P["number"])))
    rt = pc.utf8_lpad(_number_text(P["rt"]), 3, padding="0")
    rw = pc.utf8_lpad(_number_text(P["rw"]), 3, padding="0")
    suffix = _blank(_join(", RT ", rt, "/RW ", rw), P["rt"] < 0)
    label = _strings(P["label"])
    prefix = _blank(_join(label, ", "), P["label"] == "")
    lines = _join(prefix, "Jl. ", street, gang, where, suffix).take(pa.array(w.addresses["place"]))
    # another source's spelling of the same place: Jalan/Nomor/Gang, capitals, spacing
    style = w.addresses["style"]
    again = np.flatnonzero(style > 0)
    sub = lines.take(pa.array(again))
    sub_style = style[again]

    def expand(text, lower=False):
        for a, b in (("Jl. ", "Jalan "), (" No. ", " Nomor "), (" Gg. ", " Gang ")):
            text = pc.replace_substring(text, a.lower() if lower else a, b.lower() if lower else b)
        return text

    spaced = pc.replace_substring(pc.replace_substring(pc.replace_substring(sub, "Jl. ", "Jl.  "), ", ", " , "),
                                  " No. ", "  No. ")
    out = sub
    for st, text in ((1, expand(sub)), (2, pc.utf8_upper(sub)), (3, spaced), (4, expand(pc.utf8_lower(sub), True))):
        out = pc.if_else(pa.array(sub_style == st), text, out)
    return pc.replace_with_mask(lines, pa.array(style > 0), out)


def _to_tables(w: _World):
    """Arrow tables in contract order, rows sorted by id.

    Also returns the id arrays, per table which rows belong to the ordinary population (templates
    for bad rows), and how many enum values were written in odd case or with spaces.
    """
    rng = w.rng
    H = w.humans
    n_person = w.persons.n
    p_num, p_id, p_width = _ids(w, "P", n_person, 7)
    a_num, a_id, a_width = _ids(w, "A", w.addresses.n, 7)
    s_num, s_id, s_width = _ids(w, "S", w.sponsors.n, 5)
    e_num, e_id, e_width = _ids(w, "E", w.companies.n, 5)
    k_num, k_id, k_width = _ids(w, "K", w.permits.n, 7)
    ids = {"persons": p_id, "addresses": a_id, "sponsors": s_id, "employers": e_id, "permits": k_id,
           "widths": {"persons": p_width, "addresses": a_width, "sponsors": s_width, "employers": e_width,
                      "permits": k_width}}
    ordinary_human = H["role"] < BIG_WORKER
    tables, safe, odd = {}, {}, []

    def finish(name, columns, sort_key, ordinary):
        order = pa.array(np.argsort(sort_key, kind="stable") if np.ndim(sort_key) == 1 else np.lexsort(sort_key))
        tables[name] = pa.table(columns).take(order)
        safe[name] = np.asarray(ordinary)[order.to_numpy()]

    # persons
    h = w.persons["human"]
    nat = _take(_NAT_CODES, H["nat"][h])
    passport = _join(_take(tuple("EGKMNPSZ"), H["nat"][h] % 8), _number_text(w.persons["passport"]))
    finish("persons", {
        "person_id": p_id, "full_name": _person_names(w), "sex": _enum_text(w, _SEXES, H["sex"][h], odd),
        # a few birth dates unrecorded, never where they are what links a renewed passport to the old one
        "birth_date": _blank(_iso(H["birth"][h]), (rng.random(n_person) < 0.01) & (H["role"][h] != RENEWED)),
        "nationality": nat,
        "passport_no": _blank(passport, w.persons["no_passport"]), "passport_country": nat,
    }, p_num, ordinary_human[h] & (w.persons["kind"] == PRIMARY_ROW))
    person_ok = ordinary_human[h]

    # addresses: a place written again may lack its postal code or coordinates, or shout its village
    A, P = w.addresses, w.places
    place, style = A["place"], A["style"]
    village = P["village"][place]
    again = style > 0
    names = _take([v[2] for v in _VILLAGES], village)
    coords = ~again | (rng.random(A.n) < 0.6)
    jitter = again * rng.normal(0, 0.0003, A.n)
    finish("addresses", {
        "address_id": a_id, "line": _address_lines(w),
        "village": pc.if_else(pa.array(again & (rng.random(A.n) < 0.3)), pc.utf8_upper(names), names),
        "district": _take([v[1] for v in _VILLAGES], village), "city": _take([c[0] for c in _CITIES], P["city"][place]),
        "province": _take([_PROVINCE], np.zeros(A.n)),
        "postal_code": _blank(_take([v[3] for v in _VILLAGES], village), again & (rng.random(A.n) < 0.3)),
        "latitude": _blank(_number_text(np.round(P["lat"][place] + jitter, 6)), ~coords),
        "longitude": _blank(_number_text(np.round(P["lon"][place] + jitter, 6)), ~coords),
    }, a_num, ~P["special"][place])

    # sponsors and employers
    S, C = w.sponsors, w.companies
    regular_company = C["kind"] == REGULAR
    finish("sponsors", {
        "sponsor_id": s_id, "sponsor_type": _enum_text(w, _SPONSOR_TYPES, S["type"], odd), "name": _strings(S["name"]),
        "registration_no": _strings(S["reg"]), "address_id": a_id.take(pa.array(S["address"])),
        "phone": _strings(S["phone"]),
    }, s_num, (S["kind"] == TWIN) & regular_company[np.maximum(S["company"], 0)])
    finish("employers", {
        "employer_id": e_id, "name": _strings([_legal_name(c, f) for c, f in zip(C["core"], C["form"])]),
        "registration_no": _strings(C["reg"]), "sector": _strings(C["sector"]),
        "address_id": a_id.take(pa.array(C["address"])), "phone": _strings(C["phone"]),
    }, e_num, regular_company)

    # permits
    K = w.permits
    finish("permits", {
        "permit_id": k_id, "person_id": p_id.take(pa.array(K["person"])),
        "permit_type": _enum_text(w, _PERMIT_TYPES, K["ptype"], odd),
        "purpose": _enum_text(w, _PURPOSES, K["purpose"], odd),
        "sponsor_id": _blank(s_id.take(pa.array(np.maximum(K["sponsor"], 0))), K["sponsor"] < 0),
        "issued_on": _iso(K["issued"]), "expires_on": _iso(K["expires"]),
        "office": _blank(_take(_OFFICES, np.maximum(K["office"], 0)), (K["office"] < 0) | (rng.random(K.n) < 0.01)),
    }, k_num, person_ok[K["person"]])

    # employment, residences, movements: by person id, then date
    E, R, M = w.employment, w.residences, w.movements
    finish("employment", {
        "person_id": p_id.take(pa.array(E["person"])), "employer_id": e_id.take(pa.array(E["company"])),
        "source": _enum_text(w, _SOURCES, E["source"], odd), "start_date": _iso(E["start"]),
        "end_date": _iso(E["end"]), "role": _strings(E["role"]),
    }, (E["start"], p_num[E["person"]]), person_ok[E["person"]])
    finish("residences", {
        "person_id": p_id.take(pa.array(R["person"])), "address_id": a_id.take(pa.array(R["address"])),
        "reported_on": _iso(R["reported"]), "source": _take(_RESIDENCE_SOURCES, R["source"]),
    }, (R["reported"], p_num[R["person"]]), person_ok[R["person"]] & ~P["special"][place[R["address"]]])
    finish("movements", {
        "person_id": p_id.take(pa.array(M["person"])), "direction": _enum_text(w, _DIRECTIONS, M["direction"], odd),
        "date": _iso(M["date"]), "port": _take(_PORTS, M["port"]),
    }, (M["date"], p_num[M["person"]]), person_ok[M["person"]])
    return {name: tables[name] for name in COLUMNS}, ids, safe, int(sum(odd))


# --------------------------------------------------------------------------------------------
# Bad rows
# --------------------------------------------------------------------------------------------

_KEYS = {
    "persons": ["person_id"], "permits": ["permit_id"], "sponsors": ["sponsor_id"], "employers": ["employer_id"],
    "addresses": ["address_id"], "employment": ["person_id", "employer_id", "source", "start_date"],
    "residences": ["person_id", "address_id", "reported_on", "source"],
    "movements": ["person_id", "direction", "date", "port"],
}
_REQUIRED = {
    "persons": ["person_id", "full_name"],
    "permits": ["permit_id", "person_id", "permit_type", "issued_on", "expires_on"],
    "sponsors": ["sponsor_id", "sponsor_type", "name"], "employers": ["employer_id", "name"],
    "addresses": ["address_id", "line", "city"], "employment": ["person_id", "employer_id", "source"],
    "residences": ["person_id", "address_id"], "movements": ["person_id", "direction", "date"],
}
_TYPED = {  # dates and numbers
    "persons": ["birth_date"], "permits": ["issued_on", "expires_on"], "employment": ["start_date", "end_date"],
    "addresses": ["latitude", "longitude"], "residences": ["reported_on"], "movements": ["date"],
}
_ENUMS = {"persons": ["sex"], "permits": ["permit_type", "purpose"], "sponsors": ["sponsor_type"],
          "employment": ["source"], "movements": ["direction"]}
_FORMATTED = {"persons": ["nationality", "passport_country"]}
_RANGED = ("permits", "employment", "addresses")
_REFERENCES = {
    "permits": {"person_id": "persons", "sponsor_id": "sponsors"}, "sponsors": {"address_id": "addresses"},
    "employers": {"address_id": "addresses"}, "employment": {"person_id": "persons", "employer_id": "employers"},
    "residences": {"person_id": "persons", "address_id": "addresses"}, "movements": {"person_id": "persons"},
}
_PREFIX = {"persons": "P", "permits": "K", "sponsors": "S", "employers": "E", "addresses": "A"}
_BAD_DATES = ("12/03/2024", "31-12-2023", "2023.05.17", "17 Mei 2023", "2024-13-01", "2023-02-30")
_BAD_NUMBERS = ("-2,9761", "104°45'E", "unknown", "3.0.1")
_BAD_ENUMS = {"sex": ("L", "P", "Pria", "Male"), "permit_type": ("ITAS", "KITAS", "ITK"),
              "purpose": ("WORKING", "HOLIDAY", "VACATION"), "sponsor_type": ("COMPANY", "PERSON", "PT"),
              "source": ("AUDIT", "TIP", "HEARSAY"), "direction": ("ENTRY", "EXIT", "IN")}
_BAD_COUNTRIES = ("ID", "CN", "INDIA", "C1N", "K0R", "Indonesia")
REASONS = ("missing_required", "bad_type", "bad_enum", "bad_format", "bad_range", "duplicate_key", "unknown_reference")


def _plant_bad_rows(w: _World, tables: dict, ids: dict, safe: dict, n_persons: int):
    """Add a known number of bad rows per table and reason at random places in each file.

    Each bad row is a copy of an ordinary valid row, spoilt to fail one check (and pass the checks
    before it), under a fresh id nobody references. Returns pandas frames in file order and
    ``[table, row_number, reason]`` for every bad row.
    """
    rng = w.rng
    scale = max(1, int(round(np.sqrt(n_persons / 2000))))
    fresh_number = {t: len(ids[t]) + 1 for t in _PREFIX}
    unknown_number = {t: 2 * len(ids[t]) + 1 for t in _PREFIX}
    frames, bad_list = {}, []
    for name in COLUMNS:
        table = tables.pop(name)  # frees each Arrow table once its frame exists
        pool = np.flatnonzero(safe[name])
        parts, positions, reasons = [], [], []
        for reason in REASONS:
            if not _applies(name, reason):
                continue
            count = int(rng.integers(2, 6)) * scale
            template = pool[rng.integers(0, len(pool), count)]
            rows = table.take(pa.array(template)).to_pandas().astype(object)
            if name in _PREFIX and reason != "duplicate_key":
                rows[_KEYS[name][0]] = _format_ids(_PREFIX[name], np.arange(count) + fresh_number[name],
                                                   ids["widths"][name]).to_pylist()
                fresh_number[name] += count
            _spoil(w, name, reason, rows, ids, unknown_number)
            if reason == "duplicate_key":  # somewhere after the row whose key it repeats
                pos = template + 0.5 + rng.random(count) * (table.num_rows - template - 0.5)
            else:
                pos = rng.random(count) * table.num_rows
            parts.append(pa.table({c: _strings(rows[c].to_numpy()) for c in table.column_names}))
            positions.append(pos)
            reasons += [reason] * count
        combined = pa.concat_tables([table] + parts)
        order = np.argsort(np.concatenate([np.arange(table.num_rows, dtype=float)] + positions), kind="stable")
        row_number = np.empty(len(order), np.int64)
        row_number[order] = np.arange(1, len(order) + 1)
        bad_list += [[name, int(r), reason] for r, reason in zip(row_number[table.num_rows:], reasons)]
        frames[name] = combined.take(pa.array(order)).to_pandas()
    bad_list.sort(key=lambda b: (list(COLUMNS).index(b[0]), b[1]))
    return frames, bad_list


def _applies(name: str, reason: str) -> bool:
    return {
        "missing_required": True, "bad_type": name in _TYPED, "bad_enum": name in _ENUMS,
        "bad_format": name in _FORMATTED, "bad_range": name in _RANGED, "duplicate_key": True,
        "unknown_reference": name in _REFERENCES,
    }[reason]


def _spoil(w: _World, name: str, reason: str, rows: pd.DataFrame, ids: dict, unknown_number: dict) -> None:
    """Make each row fail ``reason`` and pass every check before it."""
    rng = w.rng

    def one_of(options):
        return options[rng.integers(0, len(options))]

    for i in range(len(rows)):
        if reason == "missing_required":
            rows.loc[i, one_of(_REQUIRED[name])] = one_of(("", "   "))
        elif reason == "bad_type":
            rows.loc[i, one_of(_TYPED[name])] = one_of(_BAD_NUMBERS if name == "addresses" else _BAD_DATES)
        elif reason == "bad_enum":
            col = one_of(_ENUMS[name])
            rows.loc[i, col] = one_of(_BAD_ENUMS[col])
        elif reason == "bad_format":
            rows.loc[i, one_of(_FORMATTED[name])] = one_of(_BAD_COUNTRIES)
        elif reason == "bad_range":
            if name == "permits":
                rows.loc[i, "expires_on"] = str(np.datetime64(rows.loc[i, "issued_on"]) - int(rng.integers(1, 200)))
            elif name == "employment":  # shifted start: a key of its own
                start = np.datetime64(rows.loc[i, "start_date"]) - int(rng.integers(1, 30))
                rows.loc[i, "start_date"] = str(start)
                rows.loc[i, "end_date"] = str(start - int(rng.integers(1, 90)))
            else:
                col = one_of(("latitude", "longitude"))
                limit = 90 if col == "latitude" else 180
                rows.loc[i, col] = f"{(limit + rng.uniform(0.5, 40)) * (-1) ** rng.integers(0, 2):.6f}"
        elif reason == "duplicate_key":  # the same key, perhaps with a field written differently
            if name == "persons":
                rows.loc[i, "full_name"] = rows.loc[i, "full_name"].upper()
            elif name == "employment":
                rows.loc[i, "role"] = one_of(_JOB_TITLES)
        elif reason == "unknown_reference":
            col = one_of(list(_REFERENCES[name]))
            target = _REFERENCES[name][col]
            rows.loc[i, col] = _format_ids(_PREFIX[target], [unknown_number[target]], ids["widths"][target])[0].as_py()
            unknown_number[target] += 1


# --------------------------------------------------------------------------------------------
# Truth
# --------------------------------------------------------------------------------------------


def _truth(w: _World, ids: dict, tables: dict, bad_list: list, messiness: dict, *, seed: int, n_persons: int,
           as_of: datetime.date) -> dict:
    person_rows = _rows_by(w.persons["human"], w.humans.n)
    address_rows = _rows_by(w.addresses["place"], w.places.n)
    p_id, a_id, s_id, e_id = (ids[t].to_numpy(zero_copy_only=False)
                              for t in ("persons", "addresses", "sponsors", "employers"))
    twin = w.companies["twin"]

    def group(kind: str, index: int) -> list[str]:
        if kind == "company":
            return [f"employers:{e_id[index]}", f"sponsors:{s_id[twin[index]]}"]
        if kind == "sponsor":
            return [f"sponsors:{s_id[index]}"]
        if kind == "place":
            return sorted(f"addresses:{a_id[r]}" for r in address_rows[index])
        return sorted(f"persons:{p_id[r]}" for r in person_rows[index])

    def groups(label: str):
        kind, members = w.truth[label]
        if kind == "networks":
            return sorted(sorted(group("company", c) for c in net) for net in members)
        return sorted(group(kind, int(m)) for m in members)

    bad_rows: dict[str, dict[str, int]] = {}
    for table, _, reason in bad_list:
        bad_rows.setdefault(table, {}).setdefault(reason, 0)
        bad_rows[table][reason] += 1
    counts = {name: len(frame) for name, frame in tables.items()}
    several_persons = np.flatnonzero(np.bincount(w.persons["human"], minlength=w.humans.n) > 1)
    several_places = np.flatnonzero(np.bincount(w.addresses["place"], minlength=w.places.n) > 1)
    return {
        "schema": SCHEMA_VERSION,
        "seed": seed,
        "n_persons": n_persons,
        "as_of": as_of.isoformat(),
        "counts": counts,
        "accepted": {name: counts[name] - sum(bad_rows.get(name, {}).values()) for name in counts},
        "typologies": {label: groups(label) for label in (
            "visit_workforce", "sponsor_mills", "address_hotspots", "overstayers", "shell_networks", "no_lawful_entry")},
        "lookalikes": {label: groups(label) for label in (
            "big_contractors", "hotels", "family_sponsors", "travel_agents", "universities", "dormitories",
            "departed_expired", "recently_expired", "renewed_passport")},
        "messiness": messiness,
        "resolution": {
            "persons": sorted(group("human", int(h)) for h in several_persons),
            "companies": sorted(group("company", c) for c in range(w.companies.n)),
            "places": sorted(group("place", int(p)) for p in several_places),
        },
        "bad_rows": {t: {r: bad_rows[t][r] for r in REASONS if r in bad_rows[t]} for t in COLUMNS if t in bad_rows},
        "bad_row_list": bad_list,
    }


class _rows_by:
    """Row numbers per owner (rows of a human, address rows of a place), by one stable sort."""

    def __init__(self, owner: np.ndarray, n_owners: int):
        self.order = np.argsort(owner, kind="stable")
        self.bounds = np.searchsorted(owner[self.order], np.arange(n_owners + 1))

    def __getitem__(self, owner: int) -> np.ndarray:
        return self.order[self.bounds[owner]:self.bounds[owner + 1]]


def _dump_truth(truth: dict) -> str:
    """JSON with one line per top-level key, or per second-level key for nested sections."""
    lines = []
    for key, value in truth.items():
        if isinstance(value, dict) and value:
            inner = [f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()]
            lines.append(f"  {json.dumps(key)}: {{\n" + ",\n".join(inner) + "\n  }")
        elif key == "bad_row_list":
            inner = [f"    {json.dumps(v)}" for v in value]
            lines.append(f"  {json.dumps(key)}: [\n" + ",\n".join(inner) + "\n  ]")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
