"""Reference data of the synthetic world: towns, villages, streets, names per culture, nationalities, codes."""

from __future__ import annotations

import datetime

import numpy as np


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
_BOARDING_LABELS = ("Kos", "Kost Putra", "Kost Putri", "Rumah Kos", "Pondokan")
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
TWIN, AGENT, UNIVERSITY, MILL, FAMILY_SPONSOR, PERSONAL_SPONSOR, VISA_AGENCY = range(7)
PRIMARY_ROW, SPELLING_ROW, RENEWED_ROW = range(3)

# Roles of humans: the first eight are the ordinary population, the rest planted or look-alikes.
(TOURIST, VISITOR, WORKER, SPOUSE, STUDENT, RESIDENT, INVESTOR_ROLE, RETIREE,
 BIG_WORKER, BIG_VISITOR, VW_VISITOR, VW_WORKER, MILL_CLIENT, HOTSPOT_RESIDENT, SHELL_WORKER,
 OVERSTAYER, NO_ENTRY, DEPARTED_EXPIRED, RECENTLY_EXPIRED, RENEWED,
 CAMPAIGN_VISITOR, SPLIT_DEPARTURE) = range(22)
_ORDINARY_SHARE = np.array([0.40, 0.10, 0.24, 0.08, 0.05, 0.06, 0.04, 0.03])


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
